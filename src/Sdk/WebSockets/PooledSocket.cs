namespace Sdk.WebSockets;

/// <summary>
/// One socket of a pool: its session, the subscriptions routed over it, the pump that reads the session and hands each
/// message to its subscription, and the idle timer that closes it once its last subscription ended.
/// </summary>
internal sealed class PooledSocket<TSend, TReceive>
{
    private readonly WebSocketPool<TSend, TReceive> _pool;
    private readonly Dictionary<string, WebSocketSubscription<TSend, TReceive>> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Task<WebSocketSession<TSend, TReceive>> _opened;
    private ITimer? _idleTimer;
    private Exception? _failure;

    public PooledSocket(WebSocketPool<TSend, TReceive> pool, Func<PooledSocket<TSend, TReceive>, WebSocketSession<TSend, TReceive>> createSession)
    {
        _pool = pool;
        Session = createSession(this);
        _opened = OpenAsync();
    }

    public WebSocketSession<TSend, TReceive> Session { get; }

    /// <summary>Subscriptions on this socket, and ones being added (counted before their socket finished its handshake).</summary>
    public int Load { get; set; }

    public bool Closed { get; private set; }

    public Exception? Failure => _failure;

    public Task<WebSocketSession<TSend, TReceive>> Opened => _opened;

    public IEnumerable<WebSocketSubscription<TSend, TReceive>> Snapshot()
    {
        lock (_lock)
        {
            return [.. _subscriptions.Values];
        }
    }

    public bool TryAdd(WebSocketSubscription<TSend, TReceive> subscription)
    {
        lock (_lock)
        {
            if (Closed)
            {
                return false;
            }

            _idleTimer?.Dispose();
            _idleTimer = null;
            _subscriptions[subscription.Key] = subscription;
            return true;
        }
    }

    public ValueTask SendAsync(TSend message, CancellationToken cancellationToken) => Session.SendAsync(message, cancellationToken);

    /// <summary>Ends a subscription: unsubscribe message, then the idle timer if it was the socket's last.</summary>
    public async ValueTask RemoveAsync(WebSocketSubscription<TSend, TReceive> subscription)
    {
        bool last;
        lock (_lock)
        {
            if (!_subscriptions.Remove(subscription.Key))
            {
                return;
            }

            last = _subscriptions.Count == 0;
        }

        _pool.Released(this);
        if (_pool.Options.Unsubscribe is { } unsubscribe && Session.IsOpen)
        {
            try
            {
                await Session.SendAsync(unsubscribe(subscription.Key)).ConfigureAwait(false);
            }
            catch (WebSocketSessionException)
            {
                // The socket closed meanwhile: nothing to unsubscribe from.
            }
        }

        if (last)
        {
            lock (_lock)
            {
                if (_subscriptions.Count == 0 && !Closed)
                {
                    _idleTimer?.Dispose();
                    _idleTimer = _pool.Time.CreateTimer(static s => ((PooledSocket<TSend, TReceive>)s!).OnIdle(), this, _pool.Options.IdleCloseDelay, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Closes the socket and ends its subscriptions (with <paramref name="failure"/>, or normally).</summary>
    public async ValueTask CloseAsync(Exception? failure)
    {
        WebSocketSubscription<TSend, TReceive>[] subscriptions;
        lock (_lock)
        {
            if (Closed)
            {
                return;
            }

            Closed = true;
            _failure = failure;
            _idleTimer?.Dispose();
            _idleTimer = null;
            subscriptions = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        _pool.Remove(this);
        foreach (WebSocketSubscription<TSend, TReceive> subscription in subscriptions)
        {
            subscription.Complete(failure);
        }

        await Session.DisposeAsync().ConfigureAwait(false);
    }

    private void OnIdle()
    {
        lock (_lock)
        {
            if (_subscriptions.Count != 0 || Closed)
            {
                return;
            }
        }

        _ = CloseAsync(null).AsTask();
    }

    private async Task<WebSocketSession<TSend, TReceive>> OpenAsync()
    {
        await Session.StartAsync(_pool.Stopping).ConfigureAwait(false);
        _ = Task.Run(PumpAsync);
        return Session;
    }

    /// <summary>Reads the socket and hands each message to the subscription its key names; ends the subscriptions when the session ends.</summary>
    private async Task PumpAsync()
    {
        Exception? failure = null;
        WebSocketPoolOptions<TSend, TReceive> options = _pool.Options;
        Func<TReceive, string?> routeKey = options.RouteKey!;
        try
        {
            await foreach (TReceive message in Session.ReadAllAsync().ConfigureAwait(false))
            {
                WebSocketSubscription<TSend, TReceive>? subscription = null;
                if (routeKey(message) is { } key)
                {
                    lock (_lock)
                    {
                        _subscriptions.TryGetValue(key, out subscription);
                    }
                }

                if (subscription is null || subscription.IsDisposed)
                {
                    options.OnUnrouted?.Invoke(message);
                    continue;
                }

                long? sequence = options.SequenceOf?.Invoke(message);
                if (sequence is { } seq && subscription.LastSequence is { } last && seq <= last)
                {
                    continue; // sent again after a re-subscribe from the last sequence: already delivered
                }

                await subscription.WriteAsync(message, sequence, _pool.Stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await CloseAsync(failure is OperationCanceledException ? null : failure).ConfigureAwait(false);
    }
}
