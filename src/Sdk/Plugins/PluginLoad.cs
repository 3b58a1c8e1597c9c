namespace Sdk.Plugins;

/// <summary>When a plugin's <see cref="ISdkPlugin.StartAsync"/> runs.</summary>
public enum PluginLoad
{
    /// <summary>When the client is built, or when the plugin is added to a running client.</summary>
    Eager = 0,

    /// <summary>Before the plugin's first hook runs.</summary>
    Lazy = 1,
}
