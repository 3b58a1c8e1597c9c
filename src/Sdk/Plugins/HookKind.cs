namespace Sdk.Plugins;

/// <summary>The points of a call where hooks run.</summary>
public enum HookKind
{
    /// <summary><see cref="PluginHooks.OnRequest"/>: before the call, or before each attempt.</summary>
    Request = 0,

    /// <summary><see cref="PluginHooks.OnResponse"/>: when an attempt's response headers arrived.</summary>
    Response = 1,

    /// <summary><see cref="PluginHooks.OnStreamEvent"/>: for each stream event, before the caller gets it.</summary>
    StreamEvent = 2,

    /// <summary><see cref="PluginHooks.OnError"/>: when a call fails, with the exception the caller gets.</summary>
    Error = 3,
}
