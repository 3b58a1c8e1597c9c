namespace Sdk.WebSockets;

public sealed partial class WebSocketSession<TSend, TReceive>
{
    private ITimer? _idleTimer;
    private ITimer? _heartbeatTimer;
    private long _lastReceived;
    private long _waitStarted;
    private volatile bool _waiting;
    private long _heartbeatSent;
    private bool _awaitingReply;

    private void BeginWaiting()
    {
        if (!_waiting)
        {
            _waitStarted = _time.GetTimestamp();
            _waiting = true;
        }
    }

    private void EndWaiting() => _waiting = false;

    private void MarkReceived()
    {
        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        _waiting = false;
    }

    /// <summary>Arms the watchdogs of a new connection: the receive idle limit and the application heartbeat.</summary>
    private void StartTimers(WebSocketConnection connection)
    {
        StopTimers();
        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        if (_settings.ReceiveIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            _idleTimer = _time.CreateTimer(static s => ((State)s!).Session.OnIdleTimer(((State)s).Connection), new State(this, connection), _settings.ReceiveIdleTimeout, Timeout.InfiniteTimeSpan);
        }

        if (_options.Heartbeat is not null)
        {
            _awaitingReply = false;
            _heartbeatTimer = _time.CreateTimer(static s => ((State)s!).Session.OnHeartbeatTimer(((State)s).Connection), new State(this, connection), _options.HeartbeatInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopTimers()
    {
        Interlocked.Exchange(ref _idleTimer, null)?.Dispose();
        Interlocked.Exchange(ref _heartbeatTimer, null)?.Dispose();
    }

    /// <summary>The idle limit counts only while a reader waits: a session nobody reads is not stalled.</summary>
    private void OnIdleTimer(WebSocketConnection connection)
    {
        if (!ReferenceEquals(connection, _connection) || Stopped)
        {
            return;
        }

        TimeSpan limit = _settings.ReceiveIdleTimeout;
        long since = Math.Max(Volatile.Read(ref _lastReceived), _waitStarted);
        TimeSpan waited = _waiting ? _time.GetElapsedTime(since) : TimeSpan.Zero;
        if (waited >= limit)
        {
            connection.Abort(WebSocketFailureReason.IdleTimeout);
            return;
        }

        _idleTimer?.Change(limit - waited, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sends the heartbeat every interval; when its timeout passes with no message received since, the socket is aborted.</summary>
    private void OnHeartbeatTimer(WebSocketConnection connection)
    {
        if (!ReferenceEquals(connection, _connection) || Stopped)
        {
            return;
        }

        if (_awaitingReply)
        {
            if (Volatile.Read(ref _lastReceived) < _heartbeatSent)
            {
                connection.Abort(WebSocketFailureReason.HeartbeatTimeout);
                return;
            }

            _awaitingReply = false;
            _heartbeatTimer?.Change(_options.HeartbeatInterval - _options.HeartbeatTimeout, Timeout.InfiniteTimeSpan);
            return;
        }

        try
        {
            OutgoingMessage<TSend> heartbeat = Encode(_options.Heartbeat!());
            Interlocked.Increment(ref _queueDepth);
            if (_queue.Writer.TryWrite(heartbeat))
            {
                SdkDiagnostics.WebSocketSendQueueDepth.Add(1);
            }
            else
            {
                Interlocked.Decrement(ref _queueDepth);
                heartbeat.Return(); // a full queue is being written anyway; the next interval tries again
            }
        }
        catch (Exception)
        {
            // A heartbeat factory or codec that throws must not kill the timer thread; the timeout below still applies.
        }

        _heartbeatSent = _time.GetTimestamp();
        _awaitingReply = true;
        _heartbeatTimer?.Change(_options.HeartbeatTimeout, Timeout.InfiniteTimeSpan);
    }

    private sealed record State(WebSocketSession<TSend, TReceive> Session, WebSocketConnection Connection);
}
