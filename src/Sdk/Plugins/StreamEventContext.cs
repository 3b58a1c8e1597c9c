namespace Sdk.Plugins;

/// <summary>
/// What a <see cref="StreamEventHook"/> sees: one stream event before the caller gets it, raw (type, id, bytes) and typed
/// (<see cref="Item"/>). A hook can drop it (<see cref="Drop"/>) or replace its item (<see cref="ReplaceItem"/>).
/// </summary>
public readonly struct StreamEventContext
{
    private readonly StreamHookEvent _event;

    internal StreamEventContext(StreamHookEvent hookEvent) => _event = hookEvent;

    /// <summary>The SSE event type (<c>message</c> by default; for NDJSON and JSON arrays, <c>message</c>).</summary>
    public string EventType => _event.EventType;

    /// <summary>The SSE event id, or <see langword="null"/>.</summary>
    public string? EventId => _event.EventId;

    /// <summary>The event's data as received (UTF-8 JSON). Valid during the hook only.</summary>
    public ReadOnlyMemory<byte> Data => _event.Data;

    /// <summary>The decoded item (a <c>T</c> of the stream), or <see langword="null"/> for an event the stream does not decode.</summary>
    public object? Item => _event.Item;

    /// <summary>The 0-based position of the event in the stream, over reconnects.</summary>
    public long Index => _event.Index;

    /// <summary>The stream's request.</summary>
    public ApiRequest Request => _event.Call.Request;

    /// <summary>Values shared by the stream's hooks.</summary>
    public HookProperties Properties => _event.Call.Properties;

    /// <summary>Whether an earlier hook dropped the event.</summary>
    public bool IsDropped => _event.Dropped;

    /// <summary>Drops the event: the caller does not get it, and later hooks do not see it.</summary>
    public void Drop() => _event.Dropped = true;

    /// <summary>Replaces the item the caller gets (it must be of the stream's item type).</summary>
    /// <param name="item">The new item.</param>
    public void ReplaceItem(object? item) => _event.ReplaceItem(item);
}
