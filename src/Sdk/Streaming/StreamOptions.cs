namespace Sdk;

/// <summary>Per-call stream settings; every <see langword="null"/> property falls back to the client's options.</summary>
public sealed class StreamOptions
{
    /// <summary>How the body is decoded.</summary>
    /// <value><see cref="StreamFormat.Auto"/>: by content type.</value>
    public StreamFormat Format { get; set; }

    /// <summary>
    /// The terminal sentinel for this call; <see langword="null"/> uses <see cref="StreamingOptions.TerminalSentinel"/> and the
    /// empty string turns sentinel detection off.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public string? TerminalSentinel { get; set; }

    /// <summary>Whether the body must end with the sentinel; <see langword="null"/> uses <see cref="StreamingOptions.RequireTerminalSentinel"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public bool? RequireTerminalSentinel { get; set; }

    /// <summary>
    /// The SSE event types decoded into items. Events of other types are unknown: the typed enumeration skips them and
    /// <see cref="StreamResult{T}.Events"/> passes them through undecoded. <see langword="null"/> decodes every type.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public IReadOnlyCollection<string>? EventTypes { get; set; }

    /// <summary>
    /// How this stream resumes after a break when its events carry no SSE ids (a cursor taken from the last item); must be a
    /// <see cref="StreamResumeStrategy{T}"/> of the stream's item type. SSE streams with ids resume on their own.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public StreamResumeStrategy? Resume { get; set; }

    /// <summary>Overrides <see cref="TimeoutOptions.FirstEvent"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public TimeSpan? FirstEventTimeout { get; set; }

    /// <summary>Overrides <see cref="TimeoutOptions.Idle"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public TimeSpan? IdleTimeout { get; set; }
}
