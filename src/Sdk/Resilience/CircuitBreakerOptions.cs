namespace Sdk;

/// <summary>
/// The circuit breaker each endpoint (the base address and every fallback address) has of its own. When, over
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> attempts were made and more than
/// <see cref="FailureRatio"/> of them failed (all of them, at 1.0), the circuit opens for <see cref="BreakDuration"/>: calls skip the endpoint (to
/// the next healthy fallback) or fail fast with <see cref="CircuitOpenException"/>. Then one probe is let through; its outcome
/// closes the circuit or opens it again. Failures: 408, 429, 5xx, connection failures, timeouts, and streams that break
/// mid-way or stall. A stream connection counts one success when it opens and delivers its first item and one failure if
/// it later breaks, so a stream that keeps breaking but keeps resuming sits at one half and does not open the circuit by
/// itself.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Whether endpoints have circuit breakers.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of failed attempts, over the sampling window, above which the circuit opens (1.0: when all failed).</summary>
    /// <value>0.5.</value>
    public double FailureRatio { get; set; } = ClientDefaults.BreakerFailureRatio;

    /// <summary>The window over which attempts are counted.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = ClientDefaults.BreakerSamplingDuration;

    /// <summary>How many attempts the window must hold before the circuit can open.</summary>
    /// <value>10.</value>
    public int MinimumThroughput { get; set; } = ClientDefaults.BreakerMinimumThroughput;

    /// <summary>How long an open circuit stays open before a probe is let through.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = ClientDefaults.BreakerBreakDuration;

    internal CircuitBreakerOptions Clone() => (CircuitBreakerOptions)MemberwiseClone();
}
