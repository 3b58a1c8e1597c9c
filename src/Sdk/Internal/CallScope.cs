using System.Globalization;

namespace Sdk;

/// <summary>
/// The time limits and cancellation of one call. One <see cref="ITimer"/> from the client's <see cref="TimeProvider"/>
/// enforces every limit: the total deadline, and the limit of the current phase of the current attempt (to headers, first
/// stream item, gap between items). The per-item cost is one timestamp read; the timer re-arms itself lazily.
/// </summary>
/// <remarks>
/// Two tokens: <see cref="Token"/> ends the whole call (the caller's tokens, the client's disposal, the total deadline) and
/// <see cref="AttemptToken"/> ends only the current attempt (a phase limit), so the call can retry or resume. Item limits
/// run only while the caller waits (<see cref="BeginWait"/> to <see cref="EndWait"/>): time the caller spends processing an
/// item does not count against the server.
/// </remarks>
internal sealed class CallScope : IDisposable
{
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(30);
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationToken _caller1;
    private readonly CancellationToken _caller2;
    private readonly CancellationToken _lifetime;
    private readonly CancellationTokenRegistration _registration1;
    private readonly CancellationTokenRegistration _registration2;
    private readonly CancellationTokenRegistration _lifetimeRegistration;
    private readonly long _totalDeadline;
    private readonly long _started;
    private readonly TimeSpan _total;
    private CancellationTokenSource? _attemptCts;
    private ITimer? _timer;

    private TimeoutKind _phase;
    private TimeSpan _phaseLimit;
    private long _phaseLimitTicks = long.MaxValue;
    private long _waitStart;
    private volatile bool _waiting;
    private volatile bool _totalFired;
    private volatile int _attemptFired = -1;
    private bool _disposed;

    public CallScope(TimeProvider time, TimeSpan total, CancellationToken lifetime, CancellationToken caller1, CancellationToken caller2 = default)
    {
        _time = time;
        _total = total;
        _started = time.GetTimestamp();
        _totalDeadline = ClientOptionsValidator.IsFinite(total) ? _started + ToTicks(total) : long.MaxValue;
        _caller1 = caller1;
        _caller2 = caller2;
        _lifetime = lifetime;
        if (caller1.CanBeCanceled)
        {
            _registration1 = caller1.UnsafeRegister(static s => ((CallScope)s!).SafeCancel(), this);
        }

        if (caller2.CanBeCanceled && caller2 != caller1)
        {
            _registration2 = caller2.UnsafeRegister(static s => ((CallScope)s!).SafeCancel(), this);
        }

        if (lifetime.CanBeCanceled)
        {
            _lifetimeRegistration = lifetime.UnsafeRegister(static s => ((CallScope)s!).SafeCancel(), this);
        }

        if (_totalDeadline != long.MaxValue)
        {
            Arm(total);
        }
    }

    /// <summary>Ends when the whole call must end: the caller cancelled, the client was disposed, or the total deadline passed.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Ends when the current attempt must end (a phase limit), or the whole call does.</summary>
    public CancellationToken AttemptToken => _attemptCts?.Token ?? _cts.Token;

    /// <summary>Whether one of the caller's tokens asked for cancellation.</summary>
    public bool CallerCanceled => _caller1.IsCancellationRequested || _caller2.IsCancellationRequested;

    /// <summary>Whether the client was disposed while the call was in flight.</summary>
    public bool ClientDisposed => _lifetime.IsCancellationRequested;

    /// <summary>The caller token that fired (for the <see cref="OperationCanceledException"/> we rethrow).</summary>
    public CancellationToken CallerToken => _caller1.IsCancellationRequested ? _caller1 : _caller2;

    /// <summary>How long the call has been running, on the client's clock.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>How long is left before the total deadline, or <see cref="Timeout.InfiniteTimeSpan"/> when there is none.</summary>
    public TimeSpan Remaining =>
        _totalDeadline == long.MaxValue ? Timeout.InfiniteTimeSpan : FromTicks(Math.Max(0, _totalDeadline - _time.GetTimestamp()));

    /// <summary>Starts a new attempt: a fresh attempt token and the attempt (to headers) limit, running from now.</summary>
    public void BeginAttempt(TimeSpan attemptTimeout)
    {
        // Not linked to the call's source (a linked source costs three allocations per attempt): every way the call ends
        // goes through CancelCall, which cancels the current attempt's source after the call's.
        CancellationTokenSource? previous;
        var attempt = new CancellationTokenSource();
        lock (_lock)
        {
            previous = _attemptCts;
            _attemptCts = attempt;
            _attemptFired = -1;
        }

        previous?.Dispose();
        if (_cts.IsCancellationRequested)
        {
            Cancel(attempt);
        }

        EnterPhase(TimeoutKind.Attempt, attemptTimeout, waiting: true);
    }

    /// <summary>Starts a limited phase (attempt, first item, gap) whose clock runs while the caller waits.</summary>
    public void EnterPhase(TimeoutKind phase, TimeSpan limit, bool waiting)
    {
        lock (_lock)
        {
            _phase = phase;
            _phaseLimit = limit;
            _phaseLimitTicks = ClientOptionsValidator.IsFinite(limit) ? ToTicks(limit) : long.MaxValue;
            long now = _time.GetTimestamp();
            if (waiting)
            {
                _waitStart = now;
            }

            _waiting = waiting;
            RescheduleLocked(now);
        }
    }

    /// <summary>Leaves the limited phase; only the total deadline remains.</summary>
    public void ExitPhase()
    {
        lock (_lock)
        {
            _phaseLimitTicks = long.MaxValue;
            _waiting = false;
        }
    }

    /// <summary>The caller starts waiting for the next item: the phase clock runs. Lock-free; called per item.</summary>
    public void BeginWait()
    {
        _waitStart = _time.GetTimestamp();
        _waiting = true;
    }

    /// <summary>An item arrived: the phase clock stops. Lock-free; called per item.</summary>
    public void EndWait() => _waiting = false;

    /// <summary>
    /// Maps an exception from an operation under this scope to what the caller should see: the caller's
    /// <see cref="OperationCanceledException"/>, <see cref="ObjectDisposedException"/> after the client's disposal, or the
    /// <see cref="SdkTimeoutException"/> of the limit that fired; <see langword="null"/> when none of them applies.
    /// </summary>
    public Exception? TranslateCancellation(Exception exception, string what)
    {
        // After the client is disposed, a call in flight may see its transport fail rather than its token fire.
        bool disposedTransport = ClientDisposed && exception is IOException or HttpRequestException or ObjectDisposedException;
        if (exception is not OperationCanceledException && !disposedTransport)
        {
            return null;
        }

        if (CallerCanceled)
        {
            return exception is OperationCanceledException oce && oce.CancellationToken == CallerToken
                ? exception
                : new OperationCanceledException("The operation was canceled.", exception, CallerToken);
        }

        if (ClientDisposed)
        {
            return new ObjectDisposedException(nameof(SdkClient), $"{what} was stopped because the client was disposed.");
        }

        if (_totalFired)
        {
            return TimedOut(TimeoutKind.Total, _total, what, exception);
        }

        return _attemptFired >= 0 ? TimedOut((TimeoutKind)_attemptFired, _phaseLimit, what, exception) : null;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        _registration1.Dispose();
        _registration2.Dispose();
        _lifetimeRegistration.Dispose();
        _attemptCts?.Dispose();
        _cts.Dispose();
    }

    internal static string Describe(TimeoutKind kind) => kind switch
    {
        TimeoutKind.Connect => "connect",
        TimeoutKind.Attempt => "attempt (response headers)",
        TimeoutKind.FirstEvent => "first stream item",
        TimeoutKind.Idle => "gap between stream items",
        _ => "total",
    };

    private static SdkTimeoutException TimedOut(TimeoutKind kind, TimeSpan limit, string what, Exception inner) => new(
        kind,
        limit,
        string.Create(CultureInfo.InvariantCulture, $"{what} timed out: the {Describe(kind)} limit of {limit.TotalSeconds:0.###} s passed."),
        inner);

    private long ToTicks(TimeSpan span)
    {
        Int128 ticks = (Int128)span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond;
        return ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)ticks;
    }

    /// <summary>Timestamp ticks to a <see cref="TimeSpan"/>, rounded up so the timer never fires before the deadline.</summary>
    private TimeSpan FromTicks(long ticks)
    {
        long frequency = _time.TimestampFrequency;
        Int128 spanTicks = ((Int128)ticks * TimeSpan.TicksPerSecond + frequency - 1) / frequency;
        return TimeSpan.FromTicks((long)Int128.Clamp(spanTicks, 0, TimeSpan.MaxValue.Ticks / 2));
    }

    private void Arm(TimeSpan due)
    {
        // System timers accept at most about 49 days; a longer deadline is reached by re-arming when this one fires.
        if (due > MaxTimerDue)
        {
            due = MaxTimerDue;
        }

        if (due < TimeSpan.FromTicks(1))
        {
            due = TimeSpan.FromTicks(1);
        }

        if (_timer is null)
        {
            _timer = _time.CreateTimer(static s => ((CallScope)s!).OnTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        CancellationTokenSource? toCancel = null;
        bool total = false;
        lock (_lock)
        {
            if (_disposed || _totalFired)
            {
                return;
            }

            long now = _time.GetTimestamp();
            if (now >= _totalDeadline)
            {
                _totalFired = true;
                total = true;
            }
            else if (_phaseLimitTicks != long.MaxValue && _waiting && now - _waitStart >= _phaseLimitTicks)
            {
                // A phase limit ends the attempt only; the call may retry or resume under the total deadline.
                _attemptFired = (int)_phase;
                _phaseLimitTicks = long.MaxValue;
                _waiting = false;
                toCancel = _attemptCts ?? _cts;
                RescheduleLocked(now);
            }
            else
            {
                RescheduleLocked(now);
            }
        }

        if (toCancel is not null)
        {
            Cancel(toCancel);
        }
        else if (total)
        {
            CancelCall();
        }
    }

    private void RescheduleLocked(long now)
    {
        if (_disposed)
        {
            return;
        }

        long next = long.MaxValue;
        if (_totalDeadline != long.MaxValue)
        {
            next = _totalDeadline - now;
        }

        if (_phaseLimitTicks != long.MaxValue)
        {
            // While waiting the phase expires at waitStart + limit; while not waiting, no deadline can come sooner than a full limit.
            long phaseDue = _waiting ? _waitStart + _phaseLimitTicks - now : _phaseLimitTicks;
            next = Math.Min(next, phaseDue);
        }

        if (next != long.MaxValue)
        {
            Arm(FromTicks(Math.Max(next, 1)));
        }
    }

    /// <summary>Cancels the call's token; harmless when the call already finished and disposed it.</summary>
    private void SafeCancel() => CancelCall();

    /// <summary>Cancels the call's token, then the current attempt's (a new attempt started meanwhile cancels itself).</summary>
    private void CancelCall()
    {
        Cancel(_cts);
        CancellationTokenSource? attempt;
        lock (_lock)
        {
            attempt = _attemptCts;
        }

        if (attempt is not null)
        {
            Cancel(attempt);
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call (or the attempt) already finished.
        }
    }
}
