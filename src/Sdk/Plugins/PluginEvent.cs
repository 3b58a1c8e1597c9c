using System.Globalization;

namespace Sdk.Plugins;

/// <summary>A plugin lifecycle event, read with <see cref="PluginRegistry.WatchAsync"/>.</summary>
public sealed class PluginEvent
{
    internal PluginEvent(string pluginId, SemanticVersion version, PluginEventKind kind, DateTimeOffset timestamp, HookKind? hook = null, string? reason = null)
    {
        PluginId = pluginId;
        Version = version;
        Kind = kind;
        Timestamp = timestamp;
        Hook = hook;
        Reason = reason;
    }

    /// <summary>The plugin's id.</summary>
    public string PluginId { get; }

    /// <summary>The plugin's version.</summary>
    public SemanticVersion Version { get; }

    /// <summary>What happened.</summary>
    public PluginEventKind Kind { get; }

    /// <summary>When, on the client's <see cref="ClientOptions.TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The hook involved, for <see cref="PluginEventKind.Failed"/> and <see cref="PluginEventKind.Disabled"/>.</summary>
    public HookKind? Hook { get; }

    /// <summary>A short description of a failure: the exception's type, or "timeout". Never a message that could carry data.</summary>
    public string? Reason { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Timestamp:O} {PluginId} {Version} {Kind}{(Hook is { } h ? " " + h : "")}{(Reason is { } r ? ": " + r : "")}");
}
