namespace Sdk;

/// <summary>
/// Every timeout of a call. All of them run on <see cref="ClientOptions.TimeProvider"/>, so tests can move time by hand.
/// <see cref="Timeout.InfiniteTimeSpan"/> turns one off.
/// </summary>
public sealed class TimeoutOptions
{
    /// <summary>How long opening a TCP connection may take.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan Connect { get; set; } = ClientDefaults.ConnectTimeout;

    /// <summary>How long one attempt may wait for the response headers.</summary>
    /// <value>100 seconds.</value>
    public TimeSpan Attempt { get; set; } = ClientDefaults.AttemptTimeout;

    /// <summary>How long a stream may wait, after its headers, for its first item while the caller is waiting for it.</summary>
    /// <value>100 seconds.</value>
    public TimeSpan FirstEvent { get; set; } = ClientDefaults.FirstEventTimeout;

    /// <summary>
    /// How long a stream may wait for its next item while the caller is waiting for it. Time the caller spends
    /// between items (processing one) does not count; bytes that trickle in without completing an item do not reset it.
    /// </summary>
    /// <value>100 seconds.</value>
    public TimeSpan Idle { get; set; } = ClientDefaults.IdleTimeout;

    /// <summary>How long a unary call (send, headers and body) may take in all.</summary>
    /// <value>10 minutes.</value>
    public TimeSpan Total { get; set; } = ClientDefaults.TotalTimeout;

    /// <summary>How long a whole stream may take, from the first <c>MoveNextAsync</c> to its end.</summary>
    /// <value><see cref="Timeout.InfiniteTimeSpan"/>: streams have no total limit unless one is set.</value>
    public TimeSpan StreamTotal { get; set; } = Timeout.InfiniteTimeSpan;

    internal TimeoutOptions Clone() => (TimeoutOptions)MemberwiseClone();
}
