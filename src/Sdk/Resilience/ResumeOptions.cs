namespace Sdk;

/// <summary>
/// How a stream that breaks after its first item is resumed: SSE streams with ids reconnect with <c>Last-Event-ID</c>; other
/// streams resume only with a resume strategy (<see cref="StreamOptions"/>). Items already delivered are never delivered again.
/// </summary>
public sealed class ResumeOptions
{
    /// <summary>Whether broken streams are resumed.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How many resume attempts in a row may fail before the stream gives up with <see cref="StreamInterruptedException"/>; the count starts again once a resumed stream delivers an item.</summary>
    /// <value>5.</value>
    public int MaxAttempts { get; set; } = ClientDefaults.MaxResumeAttempts;

    /// <summary>
    /// The scale of the back-off between resume attempts in a row: the k-th attempt after the first waits a random time
    /// between <c>BaseDelay × 2^(k-1)</c> and twice that, capped at <see cref="MaxDelay"/>. The first reconnect after a break
    /// waits only for the server's SSE <c>retry:</c> interval, if it sent one (capped by <see cref="MaxServerRetryInterval"/>).
    /// </summary>
    /// <value>0.5 seconds.</value>
    public TimeSpan BaseDelay { get; set; } = ClientDefaults.ResumeBaseDelay;

    /// <summary>The longest computed delay between resume attempts.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = ClientDefaults.ResumeMaxDelay;

    /// <summary>The longest SSE <c>retry:</c> interval honoured; a server asking for more waits this long.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan MaxServerRetryInterval { get; set; } = ClientDefaults.MaxServerRetryInterval;

    /// <summary>How many recent event ids are remembered, so events a server sends again after a reconnect are dropped.</summary>
    /// <value>1024.</value>
    public int DedupeWindow { get; set; } = ClientDefaults.ResumeDedupeWindow;

    internal ResumeOptions Clone() => (ResumeOptions)MemberwiseClone();
}
