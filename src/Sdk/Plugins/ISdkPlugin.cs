namespace Sdk.Plugins;

/// <summary>
/// A plugin: a named, versioned unit that registers hooks on a client (<see cref="SdkClientBuilder.AddPlugin"/>, or at run
/// time through <see cref="SdkClient.Plugins"/>). See docs/plugins.md.
/// </summary>
public interface ISdkPlugin
{
    /// <summary>Who the plugin is, what it needs and where it runs among the others.</summary>
    PluginManifest Manifest { get; }

    /// <summary>Registers the plugin's hooks. Called once, when the plugin is added to a client.</summary>
    /// <param name="hooks">Where to register.</param>
    void Register(PluginHooks hooks);

    /// <summary>
    /// Starts the plugin: at <see cref="SdkClientBuilder.Build"/> (or when added at run time) for an
    /// <see cref="PluginLoad.Eager"/> plugin, before its first hook for a <see cref="PluginLoad.Lazy"/> one.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the plugin is ready.</returns>
    ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Stops the plugin: when the client is disposed, or after its removal once the calls that used it ended.</summary>
    /// <param name="cancellationToken">Cancels the stop.</param>
    /// <returns>A task that completes when the plugin has stopped.</returns>
    ValueTask StopAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
