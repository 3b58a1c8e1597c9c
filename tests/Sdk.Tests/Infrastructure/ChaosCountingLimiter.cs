using System.Threading.RateLimiting;

namespace Sdk.Tests.Infrastructure;

/// <summary>A rate limiter that counts the permits asked of the limiter it wraps, so a test can see how often a call acquires.</summary>
public sealed class ChaosCountingLimiter(RateLimiter inner) : RateLimiter
{
    private int _acquires;

    /// <summary>How many times a permit was asked for (granted or not).</summary>
    public int Acquires => Volatile.Read(ref _acquires);

    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Interlocked.Increment(ref _acquires);
        return inner.AttemptAcquire(permitCount);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _acquires);
        return inner.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
