namespace Sdk;

/// <summary>
/// Counts an endpoint's attempts and failures over a rolling window (ten buckets), for <see cref="EndpointHealth"/>.
/// The circuit decision itself is Polly's; this is the readable view of the same outcomes.
/// </summary>
internal sealed class HealthWindow
{
    private const int Buckets = 10;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly int[] _attempts = new int[Buckets];
    private readonly int[] _failures = new int[Buckets];
    private readonly Lock _lock = new();
    private long _currentBucket;
    private string? _lastError;
    private DateTimeOffset? _lastFailureAt;

    public HealthWindow(TimeProvider time, TimeSpan window)
    {
        _time = time;
        _bucketTicks = Math.Max(1, (long)(window.TotalSeconds * time.TimestampFrequency / Buckets));
        _currentBucket = time.GetTimestamp() / _bucketTicks;
    }

    public void Record(bool success, string? error)
    {
        lock (_lock)
        {
            Advance();
            int slot = (int)(_currentBucket % Buckets);
            _attempts[slot]++;
            if (!success)
            {
                _failures[slot]++;
                _lastError = error;
                _lastFailureAt = _time.GetUtcNow();
            }
        }
    }

    public (int Attempts, int Failures, string? LastError, DateTimeOffset? LastFailureAt) Read()
    {
        lock (_lock)
        {
            Advance();
            return (_attempts.Sum(), _failures.Sum(), _lastError, _lastFailureAt);
        }
    }

    /// <summary>Clears the buckets that fell out of the window since the last record.</summary>
    private void Advance()
    {
        long bucket = _time.GetTimestamp() / _bucketTicks;
        for (long b = _currentBucket + 1; b <= bucket && b <= _currentBucket + Buckets; b++)
        {
            int slot = (int)(b % Buckets);
            _attempts[slot] = 0;
            _failures[slot] = 0;
        }

        _currentBucket = Math.Max(_currentBucket, bucket);
    }
}
