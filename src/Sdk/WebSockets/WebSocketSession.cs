using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Sdk.WebSockets;

/// <summary>
/// A typed, resilient WebSocket session (<c>SdkClient.ConnectAsync</c>):
/// <see cref="SendAsync"/> queues messages (bounded, with backpressure), <see cref="ReadAllAsync"/> streams what arrives.
/// When the socket breaks (connection lost, keep-alive, heartbeat or idle timeout, a server close such as 1001 or 1012)
/// the session reconnects with back-off, runs <see cref="WebSocketSessionOptions{TSend, TReceive}.OnConnected"/> on the new
/// socket, replays unacknowledged sends if asked to, and the reader continues: with sequence numbers, without loss or
/// duplicate. Failures that a reconnect cannot fix end the reader with <see cref="WebSocketSessionException"/>.
/// </summary>
/// <remarks>
/// One reader at a time (<see cref="ReadAllAsync"/>, <see cref="ReadMessagesAsync"/> or <see cref="ReceiveAsync"/>); any
/// number of concurrent senders. Cancelling a read aborts the current socket (the .NET WebSocket's rule); the next read
/// reconnects. Dispose the session to close it with a normal close handshake.
/// </remarks>
/// <typeparam name="TSend">The type sent.</typeparam>
/// <typeparam name="TReceive">The type received.</typeparam>
public sealed partial class WebSocketSession<TSend, TReceive> : IAsyncDisposable
{
    private readonly SdkClient _client;
    private readonly WebSocketRequest _request;
    private readonly WebSocketCodec<TSend> _sendCodec;
    private readonly WebSocketCodec<TReceive> _receiveCodec;
    private readonly WebSocketSessionOptions<TSend, TReceive> _options;
    private readonly WebSocketOptions _settings;
    private readonly WebSocketHandshake _handshake;
    private readonly Channel<OutgoingMessage<TSend>> _queue;
    private readonly ReplayBuffer<TSend, TReceive>? _replay;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stopping;
    private readonly Lock _stateLock = new();
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _closeReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocketConnection? _connection;
    private Task<bool>? _reconnecting;
    private Task? _sender;
    private Exception? _failure;
    private int _closing;
    private int _disposed;
    private int _queueDepth;
    private long _delivered;
    private long _sent;
    private long? _lastSequence;
    private int _attemptsWithoutProgress;

    internal WebSocketSession(
        SdkClient client,
        WebSocketRequest request,
        WebSocketCodec<TSend> sendCodec,
        WebSocketCodec<TReceive> receiveCodec,
        WebSocketSessionOptions<TSend, TReceive> options,
        WebSocketOptions settings,
        CancellationToken clientLifetime)
    {
        _client = client;
        _request = request;
        _sendCodec = sendCodec;
        _receiveCodec = receiveCodec;
        _options = options;
        _settings = settings;
        _time = client.Time;
        _handshake = new WebSocketHandshake(request.SubProtocols, settings.KeepAliveInterval, settings.KeepAliveTimeout, client.Time);
        _queue = Channel.CreateBounded<OutgoingMessage<TSend>>(new BoundedChannelOptions(settings.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _replay = options.Acknowledges is { } acknowledges ? new ReplayBuffer<TSend, TReceive>(options.ReplayCapacity, acknowledges) : null;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(clientLifetime);
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(Math.Min(ClientDefaults.WebSocketInitialReceiveBuffer, settings.MaxMessageBytes));
        _trackReceive = settings.ReceiveIdleTimeout != Timeout.InfiniteTimeSpan || options.Heartbeat is not null;
    }

    /// <summary>The subprotocol the server chose, or <see langword="null"/>.</summary>
    public string? SubProtocol => _connection?.Socket.SubProtocol;

    /// <summary>The current connection's stream: its dead-peer detection (for tests and diagnostics).</summary>
    internal WebSocketStream? Stream => _connection?.Stream;

    /// <summary>The headers of the current connection's handshake response.</summary>
    public ResponseHeaders? Headers => _connection?.Headers;

    /// <summary>The server's request id from the current connection's handshake (<see cref="ClientOptions.RequestIdHeaders"/>), or <see langword="null"/>.</summary>
    public string? RequestId => _connection?.RequestId;

    /// <summary>How many times the session reconnected.</summary>
    public int Reconnects { get; private set; }

    /// <summary>How many messages the session delivered to its readers.</summary>
    public long MessagesReceived => Interlocked.Read(ref _delivered);

    /// <summary>How many messages were written to a socket (replays included).</summary>
    public long MessagesSent => Interlocked.Read(ref _sent);

    /// <summary>How many messages wait in the send queue.</summary>
    public int SendQueueDepth => Volatile.Read(ref _queueDepth);

    /// <summary>The sequence number of the last message delivered, or <see langword="null"/>.</summary>
    public long? LastSequence => _lastSequence;

    /// <summary>The close status of the session's close handshake (sent by the peer, or by this side), once closed.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>The close reason of the session's close handshake, once closed.</summary>
    public string? CloseStatusDescription { get; private set; }

    /// <summary>Whether the session can still send and receive: not closed, not disposed, not failed.</summary>
    public bool IsOpen => Volatile.Read(ref _closing) == 0 && Volatile.Read(ref _failure) is null;

    /// <summary>The first connection (with the pipeline's retries), then the send loop and the watchdogs.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        WebSocketConnection connection = await _client.OpenWebSocketAsync(_request, _handshake, maxRetries: null, linked.Token).ConfigureAwait(false);
        try
        {
            await RunOnConnectedAsync(connection, 0, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            connection.Release();
            throw;
        }

        Publish(connection);
        _sender = Task.Run(SendLoopAsync, CancellationToken.None);
    }

    /// <summary>Closes the session with a close handshake (<paramref name="status"/>, <paramref name="description"/>) after the queued messages were sent, within <see cref="WebSocketOptions.CloseTimeout"/>. A reader then ends normally.</summary>
    /// <param name="status">The close status.</param>
    /// <param name="description">The close reason (at most 123 bytes of UTF-8).</param>
    /// <param name="cancellationToken">Stops waiting (the socket is then aborted).</param>
    /// <returns>A task that completes when the session is closed.</returns>
    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        using var timeout = new CancellationTokenSource(_settings.CloseTimeout, _time);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            if (_sender is { } sender)
            {
                await sender.WaitAsync(linked.Token).ConfigureAwait(false); // the queued messages go first
            }

            if (_connection is { } connection && connection.Socket.State == WebSocketState.Open)
            {
                await _sendLock.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await connection.Socket.CloseOutputAsync(status, description, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                CloseStatus ??= status;
                CloseStatusDescription ??= description;
                if (Volatile.Read(ref _reading) != 0)
                {
                    await _closeReceived.Task.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                else
                {
                    await DrainUntilCloseAsync(connection.Socket, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException or ChannelClosedException)
        {
            // The peer did not finish the handshake in time, or the socket is gone: it is aborted below.
        }
        finally
        {
            Stop(new WebSocketSessionException(WebSocketFailureReason.SessionClosed, $"{_request}: the session was closed.", CloseStatus, CloseStatusDescription, MessagesReceived));
        }
    }

    /// <summary>Closes the session normally (see <see cref="CloseAsync"/>) and releases it.</summary>
    /// <returns>A task that completes when the session is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseAsync().ConfigureAwait(false);
        if (_sender is { } sender)
        {
            try
            {
                await sender.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketSessionException or WebSocketException or IOException or ObjectDisposedException)
            {
                // The send loop ends with the session; a failure it met was reported to the reader and the senders.
            }
        }

        StopTimers();
        _replay?.Dispose();
        _stopping.Dispose();
        if (Volatile.Read(ref _reading) == 0)
        {
            ReturnReceiveBuffer();
        }
    }

    /// <summary>Reads and discards until the peer's close frame (the close handshake when no reader runs), within the caller's limit.</summary>
    private static async Task DrainUntilCloseAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (socket.State is WebSocketState.CloseSent or WebSocketState.Open)
            {
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(scratch.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Makes <paramref name="connection"/> the current one and starts its watchdogs.</summary>
    private void Publish(WebSocketConnection connection)
    {
        lock (_stateLock)
        {
            _connection = connection;
            _reconnecting = null;
        }

        StartTimers(connection);
    }

    /// <summary>
    /// Ends the session for good: no more sends, no more reconnects; the socket is released and queued messages are dropped.
    /// <paramref name="failure"/> is what later operations report.
    /// </summary>
    private void Stop(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        Volatile.Write(ref _closing, 1);
        _queue.Writer.TryComplete();
        StopTimers();
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already.
        }

        _connection?.Release();
        while (_queue.Reader.TryRead(out OutgoingMessage<TSend> dropped))
        {
            Interlocked.Decrement(ref _queueDepth);
            SdkDiagnostics.WebSocketSendQueueDepth.Add(-1);
            dropped.Return();
        }

        _closeReceived.TrySetResult();
    }

    private bool Stopped => Volatile.Read(ref _closing) != 0;

    private WebSocketSessionException Closed(string what) =>
        new(WebSocketFailureReason.SessionClosed, $"{_request}: {what}: the session is closed.", CloseStatus, CloseStatusDescription, MessagesReceived, _failure is WebSocketSessionException { Reason: WebSocketFailureReason.SessionClosed } ? null : _failure);
}
