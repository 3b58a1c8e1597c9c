namespace Sdk.Plugins;

/// <summary>What a plugin's failure (an exception, or a hook that exceeds its timeout) does to the call.</summary>
public enum PluginCriticality
{
    /// <summary>The failure is contained: the call goes on, the failure is counted, and repeated failures disable the plugin for a while.</summary>
    Optional = 0,

    /// <summary>The failure fails the call with a <see cref="PluginException"/> naming the plugin and the hook.</summary>
    Required = 1,
}
