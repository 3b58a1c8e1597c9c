namespace Sdk;

/// <summary>
/// One event of a stream as it came over the wire, from <see cref="StreamResult{T}.Events"/>: its type, its id, its raw
/// bytes and, when it is a known event, the decoded item.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly struct StreamEvent<T>
{
    internal StreamEvent(string eventType, string? id, ReadOnlyMemory<byte> data, T? value, bool isKnown)
    {
        EventType = eventType;
        Id = id;
        Data = data;
        Value = value;
        IsKnown = isKnown;
    }

    /// <summary>The SSE event type (<c>message</c> when the event named none or an empty one); <c>message</c> for NDJSON and JSON-array items.</summary>
    public string EventType { get; }

    /// <summary>The SSE last event id when this event was dispatched (an id containing NULL is ignored, per the WHATWG model); <see langword="null"/> when none was sent.</summary>
    public string? Id { get; }

    /// <summary>The raw bytes: the SSE event's data, the NDJSON line, or the JSON array element. Owned by this event.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The decoded item when <see cref="IsKnown"/>; otherwise the default.</summary>
    public T? Value { get; }

    /// <summary>Whether the event was decoded into <see cref="Value"/> (its type is one of <see cref="StreamOptions.EventTypes"/> and its data is not empty).</summary>
    public bool IsKnown { get; }
}
