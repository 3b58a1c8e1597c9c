using System.Diagnostics;
using System.Runtime.CompilerServices;
using Polly;
using Polly.CircuitBreaker;

namespace Sdk;

/// <summary>
/// One base address the client can send to, with its own Polly circuit breaker and a readable health window. Attempts go
/// through <see cref="ExecuteAsync"/>; stream failures after the headers are reported with <see cref="RecordLateFailure"/>.
/// </summary>
internal sealed class Endpoint : IThreadPoolWorkItem
{
    private static readonly Outcome<object> SuccessOutcome = Outcome.FromResult<object>(true);

    private readonly ResiliencePipeline? _breaker;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly HealthWindow _health;
    private readonly EventBroadcast<EndpointEvent> _events;
    private readonly TimeProvider _time;
    private DateTimeOffset _openUntil;
    private long _pausedUntilTicks;
    private int _pendingSuccesses;
    private readonly Lock _recordLock = new();

    public Endpoint(int index, Uri address, ClientOptions options, EventBroadcast<EndpointEvent> events)
    {
        Index = index;
        string text = address.AbsoluteUri;
        Prefix = text.EndsWith('/') ? text : text + "/";
        Address = new Uri(Prefix);
        _events = events;
        _time = options.TimeProvider;
        CircuitBreakerOptions breaker = options.CircuitBreaker;
        _health = new HealthWindow(options.TimeProvider, breaker.SamplingDuration);
        if (breaker.Enabled)
        {
            _breaker = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider, Name = "Sdk.Endpoint", InstanceName = Prefix }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    // The circuit opens when MORE than FailureRatio of the attempts failed (Polly compares with >=), so a stream
                    // that keeps breaking but keeps resuming (one success per connection, one failure per break) stays at
                    // exactly 0.5 and cannot open it on its own. 1.0 keeps its meaning: every attempt failed.
                    FailureRatio = breaker.FailureRatio >= 1 ? 1 : Math.BitIncrement(breaker.FailureRatio),
                    SamplingDuration = breaker.SamplingDuration,
                    MinimumThroughput = breaker.MinimumThroughput,
                    BreakDuration = breaker.BreakDuration,
                    StateProvider = _state,
                    ShouldHandle = static args => new ValueTask<bool>(RetryClassifier.IsEndpointFailure(args.Outcome.Exception, args.Outcome.Result as HttpResponseMessage)),
                    OnOpened = args =>
                    {
                        _openUntil = _time.GetUtcNow() + args.BreakDuration;
                        return Changed(EndpointState.Open, args.BreakDuration, RetryClassifier.Describe(args.Outcome.Exception, args.Outcome.Result as HttpResponseMessage));
                    },
                    OnHalfOpened = _ => Changed(EndpointState.HalfOpen, null, null),
                    OnClosed = _ => Changed(EndpointState.Closed, null, null),
                })
                .Build();
        }
    }

    public int Index { get; }

    public bool IsPrimary => Index == 0;

    /// <summary>The base address, ending with a slash.</summary>
    public Uri Address { get; }

    /// <summary>The base address as text, ending with a slash: request paths are appended to it.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Whether the circuit refuses calls now: open, and its break not over. Once the break is over the endpoint is chosen
    /// again, so Polly can move the circuit to half-open and let its probe through.
    /// </summary>
    public bool IsOpen => _breaker is not null && _state.CircuitState is CircuitState.Open or CircuitState.Isolated && _time.GetUtcNow() < _openUntil;

    public EndpointState State => _state.CircuitState switch
    {
        CircuitState.Open or CircuitState.Isolated => EndpointState.Open,
        CircuitState.HalfOpen => EndpointState.HalfOpen,
        _ => EndpointState.Closed,
    };

    /// <summary>Runs one attempt through the circuit breaker (a <see cref="BrokenCircuitException"/> outcome when it refuses) and records its outcome.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Outcome<T>> ExecuteAsync<T, TState>(Func<ResilienceContext, TState, ValueTask<Outcome<T>>> attempt, ResilienceContext context, TState state)
    {
        Outcome<T> outcome;
        if (_breaker is null)
        {
            outcome = await attempt(context, state).ConfigureAwait(false);
        }
        else if (_state.CircuitState == CircuitState.Closed)
        {
            // A closed circuit lets every attempt through, so the attempt runs on its own and its outcome is then handed to
            // the breaker by a callback that completes at once: Polly's async machinery never suspends on the common path.
            // An open or half-open circuit (which must admit exactly one probe) wraps the attempt itself.
            outcome = await attempt(context, state).ConfigureAwait(false);
            if (RetryClassifier.IsEndpointFailure(outcome.Exception, outcome.Result as HttpResponseMessage ?? (outcome.Result as IHasResponse)?.Response))
            {
                // Successes still waiting to be recorded go first, so the breaker judges this failure on every outcome before it.
                lock (_recordLock)
                {
                    FlushSuccessesLocked();
                    Wait(_breaker.ExecuteOutcomeAsync(static (_, o) => new ValueTask<Outcome<T>>(o), context, outcome));
                }
            }
            else if (outcome.Exception is null && Interlocked.Increment(ref _pendingSuccesses) == 1)
            {
                // A success is recorded off the caller's path, on the thread pool, batched with any that follow it. Only a
                // failure can open a closed circuit, and a failure flushes them first: the decisions are the same.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
        else
        {
            FlushSuccesses();
            outcome = await _breaker.ExecuteOutcomeAsync(attempt, context, state).ConfigureAwait(false);
        }

        if (outcome.Exception is not BrokenCircuitException)
        {
            Record(outcome.Exception, outcome.Result as HttpResponseMessage ?? (outcome.Result as IHasResponse)?.Response);
        }

        return outcome;
    }

    /// <summary>Records the successes of a closed circuit that are still waiting (see <see cref="ExecuteAsync"/>).</summary>
    void IThreadPoolWorkItem.Execute() => FlushSuccesses();

    private void FlushSuccesses()
    {
        lock (_recordLock)
        {
            FlushSuccessesLocked();
        }
    }

    /// <summary>A breaker execution whose callback completes at once runs synchronously; this only guards against the unexpected.</summary>
    private static void Wait<TResult>(ValueTask<Outcome<TResult>> recorded)
    {
        if (!recorded.IsCompleted)
        {
            recorded.AsTask().GetAwaiter().GetResult();
        }
    }

    private void FlushSuccessesLocked()
    {
        int pending = Interlocked.Exchange(ref _pendingSuccesses, 0);
        if (pending == 0 || _breaker is null)
        {
            return;
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get();
        try
        {
            for (int i = 0; i < pending; i++)
            {
                Wait(_breaker.ExecuteOutcomeAsync(static (_, _) => new ValueTask<Outcome<object>>(SuccessOutcome), context, 0));
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Reports a failure that came after an attempt already counted as a success: a stream that broke or stalled mid-way.
    /// The breaker sees it as one more failed execution (so a stream that keeps resuming counts one success per reconnect
    /// and one failure per break, and cannot open the circuit on its own).
    /// </summary>
    public void RecordLateFailure(Exception failure)
    {
        _health.Record(success: false, RetryClassifier.Describe(failure, null));
        if (_breaker is null)
        {
            return;
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get();
        try
        {
            // Waiting successes go first. An open or busy circuit refuses the execution: then there is nothing to add.
            lock (_recordLock)
            {
                FlushSuccessesLocked();
                Wait(_breaker.ExecuteOutcomeAsync(static (_, f) => new ValueTask<Outcome<object>>(Outcome.FromException<object>(f)), context, failure));
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>How long until the open circuit lets a probe through (zero once the break is over); <see langword="null"/> when it is not open.</summary>
    public TimeSpan? RetryAfter
    {
        get
        {
            if (!IsOpen && State != EndpointState.HalfOpen)
            {
                return null;
            }

            TimeSpan left = _openUntil - _time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Remembers that this endpoint asked to be left alone for <paramref name="delay"/> (<c>Retry-After</c>), so that a call
    /// failing over to another endpoint and coming back later still honours it.
    /// </summary>
    public void PauseFor(TimeSpan delay)
    {
        long now = _time.GetUtcNow().UtcTicks;
        long until = delay >= TimeSpan.FromDays(1) ? now + TimeSpan.TicksPerDay : now + delay.Ticks;
        long seen = Volatile.Read(ref _pausedUntilTicks);
        while (until > seen)
        {
            long previous = Interlocked.CompareExchange(ref _pausedUntilTicks, until, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>How much of the wait this endpoint asked for (<see cref="PauseFor"/>) is left; zero when none.</summary>
    public TimeSpan PauseLeft
    {
        get
        {
            long left = Volatile.Read(ref _pausedUntilTicks) - _time.GetUtcNow().UtcTicks;
            return left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
        }
    }

    public EndpointHealth Snapshot()
    {
        (int attempts, int failures, string? lastError, DateTimeOffset? lastFailureAt) = _health.Read();
        return new EndpointHealth(Address, IsPrimary, State, attempts, failures, lastError, lastFailureAt);
    }

    private void Record(Exception? exception, HttpResponseMessage? response)
    {
        bool failed = RetryClassifier.IsEndpointFailure(exception, response);
        if (!failed && exception is not null)
        {
            // Like the breaker: an exception that is not the endpoint's fault (the caller gave up, a bad request of ours)
            // counts neither way.
            return;
        }

        _health.Record(!failed, failed ? RetryClassifier.Describe(exception, response) : null);
    }

    private ValueTask Changed(EndpointState state, TimeSpan? breakDuration, string? reason)
    {
        var tag = new KeyValuePair<string, object?>("endpoint", Prefix);
        SdkDiagnostics.CircuitTransitions.Add(1, tag, new KeyValuePair<string, object?>("state", state.ToString()));
        SdkDiagnostics.AddEvent(Activity.Current, SdkDiagnostics.CircuitEvent, new() { ["endpoint"] = Prefix, ["state"] = state.ToString() });
        _events.Publish(new EndpointEvent(Address, state, _time.GetUtcNow(), breakDuration, reason));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A result that carries the HTTP response it came from (a stream connection), for health accounting.</summary>
internal interface IHasResponse
{
    HttpResponseMessage? Response { get; }
}
