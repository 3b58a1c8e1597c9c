using Sdk.Plugins;

namespace Sdk;

/// <summary>
/// A <see cref="PluginCriticality.Required"/> plugin failed (threw, or exceeded its hook timeout), so the call failed. An
/// optional plugin's failure never reaches the caller: it is counted and reported as a <see cref="PluginEvent"/>.
/// </summary>
public sealed class PluginException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="pluginId">The plugin that failed.</param>
    /// <param name="hook">The hook that failed.</param>
    /// <param name="message">What failed; must not contain a credential.</param>
    /// <param name="innerException">The plugin's exception, or a <see cref="TimeoutException"/> for a hook that took too long.</param>
    public PluginException(string pluginId, HookKind hook, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        PluginId = pluginId;
        Hook = hook;
    }

    /// <summary>The id of the plugin that failed.</summary>
    public string PluginId { get; }

    /// <summary>The hook that failed.</summary>
    public HookKind Hook { get; }
}
