namespace Sdk.Plugins;

/// <summary>The mutable state behind <see cref="StreamEventContext"/>: one per stream, refilled for each event.</summary>
internal sealed class StreamHookEvent
{
    public StreamHookEvent(CallAttempts call, Type itemType)
    {
        Call = call;
        ItemType = itemType;
    }

    public CallAttempts Call { get; }

    public Type ItemType { get; }

    public string EventType { get; set; } = "message";

    public string? EventId { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    public object? Item { get; set; }

    public bool ItemReplaced { get; set; }

    public long Index { get; set; }

    public bool Dropped { get; set; }

    public void ReplaceItem(object? item)
    {
        if (item is not null && !ItemType.IsInstanceOfType(item))
        {
            throw new ArgumentException($"The stream's items are {ItemType.Name}; a hook cannot replace one with a {item.GetType().Name}.", nameof(item));
        }

        Item = item;
        ItemReplaced = true;
    }
}
