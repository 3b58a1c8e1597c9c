namespace Sdk.Plugins;

/// <summary>What happened to a plugin.</summary>
public enum PluginEventKind
{
    /// <summary>The plugin was added to the client (at build, or by hot swap) and its hooks registered.</summary>
    Loaded = 0,

    /// <summary>Its <see cref="ISdkPlugin.StartAsync"/> completed.</summary>
    Started = 1,

    /// <summary>A hook threw or exceeded its timeout (an optional plugin: contained; a required one: the call failed).</summary>
    Failed = 2,

    /// <summary>Too many failures in a row: its hooks are skipped until the cool-down passes.</summary>
    Disabled = 3,

    /// <summary>The cool-down passed: its hooks run again.</summary>
    ReEnabled = 4,

    /// <summary>Its <see cref="ISdkPlugin.StopAsync"/> completed (client disposed, or plugin removed and drained).</summary>
    Stopped = 5,
}
