namespace Sdk.WebSockets;

/// <summary>
/// How a session whose socket broke (connection lost, keep-alive or heartbeat timeout, a server close such as 1001 going
/// away or 1012 service restart) connects again: at once, then with exponential back-off and jitter, at most
/// <see cref="MaxAttempts"/> failed attempts in a row.
/// </summary>
public sealed class WebSocketReconnectOptions
{
    /// <summary>Whether a broken session reconnects; when <see langword="false"/>, the break reaches the reader and the senders.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How many reconnect attempts may follow one another without a message getting through (received or written) before
    /// the session gives up: a handshake that succeeds but whose socket breaks or is closed again at once counts too, and
    /// backs off like a failed one. The count starts again with the next message.
    /// </summary>
    /// <value>5.</value>
    public int MaxAttempts { get; set; } = ClientDefaults.MaxResumeAttempts;

    /// <summary>
    /// The scale of the back-off: the first attempt after a break is immediate; the k-th after it waits a random time between
    /// <c>BaseDelay × 2^(k-1)</c> and twice that, capped at <see cref="MaxDelay"/>.
    /// </summary>
    /// <value>0.5 seconds.</value>
    public TimeSpan BaseDelay { get; set; } = ClientDefaults.ResumeBaseDelay;

    /// <summary>The longest delay between attempts.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = ClientDefaults.ResumeMaxDelay;

    internal WebSocketReconnectOptions Clone() => (WebSocketReconnectOptions)MemberwiseClone();

    internal TimeSpan Delay(int attempt) => attempt == 0 ? TimeSpan.Zero : ReconnectBackoff.Jittered(attempt, BaseDelay, MaxDelay);

    internal void Validate(List<string> errors, string prefix)
    {
        if (MaxAttempts < 0)
        {
            errors.Add($"{prefix}MaxAttempts must not be negative.");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero)
        {
            errors.Add($"{prefix}BaseDelay and MaxDelay must not be negative.");
        }
        else if (BaseDelay > MaxDelay)
        {
            errors.Add($"{prefix}BaseDelay must not exceed MaxDelay.");
        }
    }
}
