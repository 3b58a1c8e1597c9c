namespace Sdk.Tests.Infrastructure;

/// <summary>
/// A clock tests move by hand. Timers fire, synchronously and in due order, inside <see cref="Advance"/>; nothing fires on
/// its own. <see cref="TimerChanged"/> lets a test await the moment the code under test has armed a timer.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _now = TimeSpan.FromDays(1).Ticks;
    private TaskCompletionSource _timerChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _now), TimeSpan.Zero);

    /// <summary>Timers currently armed (due time set).</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt != long.MaxValue);
            }
        }
    }

    /// <summary>Completes the next time any timer is created or changed.</summary>
    public Task TimerChanged => Volatile.Read(ref _timerChanged).Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that comes due, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _now + delta.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    Interlocked.Exchange(ref _now, target);
                    return;
                }

                Interlocked.Exchange(ref _now, Math.Max(_now, next.DueAt));
                next.Consume();
            }

            next.Fire();
        }
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds; re-checked whenever a timer changes.</summary>
    public async Task WaitForAsync(Func<ManualTimeProvider, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!condition(this))
        {
            try
            {
                await TimerChanged.WaitAsync(TimeSpan.FromMilliseconds(50), cts.Token);
            }
            catch (TimeoutException)
            {
                // Re-check: the condition may depend on state other than timers.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The awaited condition did not hold in time.");
            }
        }
    }

    private void OnTimerChanged() => Interlocked.Exchange(ref _timerChanged, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _period = -1;

        public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
        }

        public long DueAt { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_owner._lock)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : _owner._now + Math.Max(0, dueTime.Ticks);
                _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? -1 : period.Ticks;
            }

            _owner.OnTimerChanged();
            return true;
        }

        public void Consume()
        {
            DueAt = _period > 0 ? DueAt + _period : long.MaxValue;
        }

        public void Fire() => _callback(_state);

        public void Dispose()
        {
            lock (_owner._lock)
            {
                DueAt = long.MaxValue;
                _owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
