namespace Sdk.WebSockets;

/// <summary>
/// A pool of sockets to one WebSocket endpoint over which many logical subscriptions are multiplexed
/// (<see cref="SdkClient.CreateWebSocketPool{TSend, TReceive}(WebSocketRequest, WebSocketCodec{TSend}, WebSocketCodec{TReceive}, WebSocketPoolOptions{TSend, TReceive})"/>):
/// each received message goes to the subscription whose key it carries. The pool opens sockets as subscriptions need them
/// (at most <see cref="WebSocketPoolOptions{TSend, TReceive}.MaxSockets"/>), re-subscribes after a socket reconnects, and
/// closes a socket after an idle delay once its last subscription ended. Safe to share across threads.
/// </summary>
/// <typeparam name="TSend">The type sent.</typeparam>
/// <typeparam name="TReceive">The type received.</typeparam>
public sealed class WebSocketPool<TSend, TReceive> : IAsyncDisposable
{
    private readonly SdkClient _client;
    private readonly WebSocketRequest _request;
    private readonly WebSocketCodec<TSend> _sendCodec;
    private readonly WebSocketCodec<TReceive> _receiveCodec;
    private readonly List<PooledSocket<TSend, TReceive>> _sockets = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    internal WebSocketPool(SdkClient client, WebSocketRequest request, WebSocketCodec<TSend> sendCodec, WebSocketCodec<TReceive> receiveCodec, WebSocketPoolOptions<TSend, TReceive> options, CancellationToken clientLifetime)
    {
        _client = client;
        _request = request;
        _sendCodec = sendCodec;
        _receiveCodec = receiveCodec;
        Options = options;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(clientLifetime);
    }

    /// <summary>How many sockets are open (or opening).</summary>
    public int SocketCount
    {
        get
        {
            lock (_lock)
            {
                return _sockets.Count;
            }
        }
    }

    /// <summary>How many subscriptions are active.</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_lock)
            {
                return _sockets.Sum(static s => s.Load);
            }
        }
    }

    internal WebSocketPoolOptions<TSend, TReceive> Options { get; }

    internal TimeProvider Time => _client.Time;

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Starts a subscription: on the least loaded socket with room (or a new one, up to the maximum), registered before its
    /// subscribe message is sent, so none of its messages is missed.
    /// </summary>
    /// <param name="key">The key its messages carry (<see cref="WebSocketPoolOptions{TSend, TReceive}.RouteKey"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for a socket.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="InvalidOperationException">A subscription with this key is active.</exception>
    /// <exception cref="ApiException">A new socket's handshake was refused.</exception>
    /// <exception cref="WebSocketSessionException">The socket failed.</exception>
    public async Task<WebSocketSubscription<TSend, TReceive>> SubscribeAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PooledSocket<TSend, TReceive> socket = Reserve(key);
        WebSocketSubscription<TSend, TReceive> subscription;
        try
        {
            await socket.Opened.WaitAsync(cancellationToken).ConfigureAwait(false);
            subscription = new WebSocketSubscription<TSend, TReceive>(key, socket, Options.SubscriptionBufferCapacity);
            if (!socket.TryAdd(subscription))
            {
                throw socket.Failure ?? new WebSocketSessionException(WebSocketFailureReason.SessionClosed, $"{_request}: the socket closed before the subscription '{key}' started.");
            }
        }
        catch
        {
            Released(socket);
            if (socket.Opened.IsFaulted)
            {
                await socket.CloseAsync(socket.Opened.Exception!.InnerException).ConfigureAwait(false);
            }

            throw;
        }

        if (Options.Subscribe is { } subscribe)
        {
            await subscription.SendAsync(subscribe(key, null), cancellationToken).ConfigureAwait(false);
        }

        return subscription;
    }

    /// <summary>Closes every socket; their subscriptions' readers end.</summary>
    /// <returns>A task that completes when the sockets are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        PooledSocket<TSend, TReceive>[] sockets;
        lock (_lock)
        {
            sockets = [.. _sockets];
        }

        foreach (PooledSocket<TSend, TReceive> socket in sockets)
        {
            try
            {
                await socket.Opened.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SdkException or OperationCanceledException or ObjectDisposedException)
            {
                // It never opened: closing it only ends its reservations.
            }

            await socket.CloseAsync(null).ConfigureAwait(false);
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Picks (or opens) the socket for a new subscription and counts it there.</summary>
    private PooledSocket<TSend, TReceive> Reserve(string key)
    {
        lock (_lock)
        {
            PooledSocket<TSend, TReceive>? best = null;
            foreach (PooledSocket<TSend, TReceive> socket in _sockets)
            {
                foreach (WebSocketSubscription<TSend, TReceive> existing in socket.Opened.IsCompletedSuccessfully ? socket.Snapshot() : [])
                {
                    if (existing.Key == key && !existing.IsDisposed)
                    {
                        throw new InvalidOperationException($"The pool has an active subscription '{key}'.");
                    }
                }

                if (!socket.Closed && (best is null || socket.Load < best.Load))
                {
                    best = socket;
                }
            }

            if (best is null || (best.Load >= Options.MaxSubscriptionsPerSocket && _sockets.Count < Options.MaxSockets))
            {
                best = new PooledSocket<TSend, TReceive>(this, CreateSession);
                _sockets.Add(best);
            }

            best.Load++;
            return best;
        }
    }

    internal void Released(PooledSocket<TSend, TReceive> socket)
    {
        lock (_lock)
        {
            socket.Load--;
        }
    }

    internal void Remove(PooledSocket<TSend, TReceive> socket)
    {
        lock (_lock)
        {
            _sockets.Remove(socket);
        }
    }

    /// <summary>A socket's session: the caller's session settings, with the pool's re-subscribe after the caller's connected callback.</summary>
    private WebSocketSession<TSend, TReceive> CreateSession(PooledSocket<TSend, TReceive> owner)
    {
        WebSocketSessionOptions<TSend, TReceive> options = Options.Session?.Clone() ?? new WebSocketSessionOptions<TSend, TReceive>();
        options.SequenceOf = null;
        options.Acknowledges = null;
        Func<WebSocketResumeContext<TSend>, CancellationToken, ValueTask>? callerConnected = options.OnConnected;
        options.OnConnected = async (context, cancellationToken) =>
        {
            if (callerConnected is not null)
            {
                await callerConnected(context, cancellationToken).ConfigureAwait(false);
            }

            if (context.IsReconnect && Options.Subscribe is { } subscribe)
            {
                foreach (WebSocketSubscription<TSend, TReceive> subscription in owner.Snapshot())
                {
                    await context.SendAsync(subscribe(subscription.Key, subscription.LastSequence), cancellationToken).ConfigureAwait(false);
                }
            }
        };
        WebSocketSession<TSend, TReceive> session = _client.CreateSession(_request, _sendCodec, _receiveCodec, options);
        return session;
    }
}
