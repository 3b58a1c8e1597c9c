namespace Sdk.Plugins;

/// <summary>How the client isolates plugins (<see cref="ClientOptions.Plugins"/>). See docs/plugins.md.</summary>
public sealed class PluginOptions
{
    /// <summary>
    /// How long an optional plugin's hook may take before it is abandoned and counted as a failure (a plugin's
    /// <see cref="PluginManifest.HookTimeout"/> overrides it). Hooks run on the call path, so this bounds what a stuck plugin
    /// can add to a call; a token refresh over the network is the slowest thing a legitimate hook does.
    /// </summary>
    /// <value>5 seconds.</value>
    public TimeSpan HookTimeout { get; set; } = ClientDefaults.PluginHookTimeout;

    /// <summary>How many failures in a row disable an optional plugin for <see cref="CoolDown"/>.</summary>
    /// <value>5.</value>
    public int FailureThreshold { get; set; } = ClientDefaults.PluginFailureThreshold;

    /// <summary>How long a disabled plugin's hooks are skipped before it is tried again.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan CoolDown { get; set; } = ClientDefaults.PluginCoolDown;

    internal PluginOptions Clone() => (PluginOptions)MemberwiseClone();
}
