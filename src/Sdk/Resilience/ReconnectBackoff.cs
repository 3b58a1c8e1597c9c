namespace Sdk;

/// <summary>The back-off between reconnects in a row (stream resumes, WebSocket reconnects): exponential with jitter.</summary>
internal static class ReconnectBackoff
{
    /// <summary>
    /// The wait before the <paramref name="attempt"/>-th reconnect after the first (1 for the second attempt): a random time
    /// between <c>baseDelay × 2^(attempt-1)</c> and twice that, capped at <paramref name="maxDelay"/>.
    /// </summary>
    public static TimeSpan Jittered(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        double ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * 2);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
