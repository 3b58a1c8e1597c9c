namespace Sdk;

/// <summary>Why a stream ended before it was complete.</summary>
public enum StreamInterruptionReason
{
    /// <summary>The connection failed or was reset while the body was being read.</summary>
    ConnectionLost,

    /// <summary>The body ended cleanly but before the terminal sentinel the stream requires (for example <c>data: [DONE]</c>).</summary>
    EndedBeforeSentinel,

    /// <summary>The body ended in the middle of a structure (an unclosed JSON array).</summary>
    TruncatedBody,
}
