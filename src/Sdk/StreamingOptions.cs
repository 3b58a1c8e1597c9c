namespace Sdk;

/// <summary>Client-wide stream decoding settings. <see cref="StreamOptions"/> overrides some of them per call.</summary>
public sealed class StreamingOptions
{
    /// <summary>The longest line an SSE or NDJSON stream may send. Longer lines end the stream with <see cref="InvalidResponseException"/> (<see cref="InvalidResponseReason.LineTooLong"/>) before they are buffered.</summary>
    /// <value>4 MiB.</value>
    public int MaxLineBytes { get; set; } = ClientDefaults.MaxLineBytes;

    /// <summary>The largest event (all lines of one SSE event) or JSON array element a stream may send.</summary>
    /// <value>16 MiB.</value>
    public int MaxEventBytes { get; set; } = ClientDefaults.MaxEventBytes;

    /// <summary>
    /// The data that marks the end of a stream (compared byte for byte with an SSE event's data or an NDJSON line).
    /// When it arrives the stream ends cleanly and the rest of the body is not read. <see langword="null"/> disables it.
    /// </summary>
    /// <value><c>[DONE]</c>, the OpenAI-style terminal event.</value>
    public string? TerminalSentinel { get; set; } = ClientDefaults.TerminalSentinel;

    /// <summary>
    /// Whether a stream must end with <see cref="TerminalSentinel"/>. When <see langword="true"/>, a body that ends without it
    /// ends the enumeration with <see cref="StreamInterruptedException"/> (<see cref="StreamInterruptionReason.EndedBeforeSentinel"/>).
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool RequireTerminalSentinel { get; set; }

    internal StreamingOptions Clone() => (StreamingOptions)MemberwiseClone();
}
