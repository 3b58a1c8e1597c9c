namespace Sdk;

/// <summary>
/// A stream ended before it was complete. Every item counted in <see cref="ItemsDelivered"/> reached the caller;
/// nothing after <see cref="LastEventId"/> did.
/// </summary>
public sealed class StreamInterruptedException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the stream ended early.</param>
    /// <param name="itemsDelivered">How many items reached the caller before the interruption.</param>
    /// <param name="lastEventId">The last event id seen (SSE), or <see langword="null"/>.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public StreamInterruptedException(StreamInterruptionReason reason, long itemsDelivered, string? lastEventId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        ItemsDelivered = itemsDelivered;
        LastEventId = lastEventId;
    }

    /// <summary>Why the stream ended early.</summary>
    public StreamInterruptionReason Reason { get; }

    /// <summary>How many items reached the caller before the interruption.</summary>
    public long ItemsDelivered { get; }

    /// <summary>The last event id the stream carried (SSE <c>id:</c>), or <see langword="null"/> when it carried none.</summary>
    public string? LastEventId { get; }
}
