using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Sdk.Plugins;

namespace Sdk.WebSockets;

public sealed partial class WebSocketSession<TSend, TReceive>
{
    private readonly bool _trackReceive;
    private byte[] _receiveBuffer;
    private int _reading;
    private long _eventIndex;
    private WebSocketMessageType _currentType;
    private int _currentLength;
    private TReceive? _current;
    private long? _currentSequence;

    /// <summary>
    /// The messages as they arrive, decoded, across reconnects, until the session is closed (normally, by either side): then
    /// the enumeration ends. Heartbeat replies, messages already delivered (by sequence number) and messages a stream-event
    /// hook dropped are skipped.
    /// </summary>
    /// <param name="cancellationToken">Stops reading (and aborts the current socket; the next read reconnects).</param>
    /// <returns>The messages.</returns>
    /// <exception cref="WebSocketSessionException">The session failed: see <see cref="WebSocketSessionException.Reason"/>.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public IAsyncEnumerable<TReceive> ReadAllAsync(CancellationToken cancellationToken = default) =>
        new SessionReader<TSend, TReceive, TReceive>(this, static s => s._current!, cancellationToken);

    /// <summary>
    /// The messages with their raw bytes, type and sequence number (see <see cref="WebSocketMessage{T}"/>); otherwise as
    /// <see cref="ReadAllAsync"/>. Each message's <see cref="WebSocketMessage{T}.Data"/> is valid until the next is read.
    /// </summary>
    /// <param name="cancellationToken">Stops reading (and aborts the current socket; the next read reconnects).</param>
    /// <returns>The messages.</returns>
    /// <exception cref="WebSocketSessionException">The session failed: see <see cref="WebSocketSessionException.Reason"/>.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public IAsyncEnumerable<WebSocketMessage<TReceive>> ReadMessagesAsync(CancellationToken cancellationToken = default) =>
        new SessionReader<TSend, TReceive, WebSocketMessage<TReceive>>(
            this,
            static s => new WebSocketMessage<TReceive>(s._currentType, s._receiveBuffer.AsMemory(0, s._currentLength), s._current!, s._currentSequence),
            cancellationToken);

    /// <summary>Reads the next message (a reply to a request you sent, a greeting); otherwise as <see cref="ReadAllAsync"/>.</summary>
    /// <param name="cancellationToken">Stops waiting (and aborts the current socket; the next read reconnects).</param>
    /// <returns>The message.</returns>
    /// <exception cref="WebSocketSessionException">The session failed, or was closed before a message arrived (<see cref="WebSocketFailureReason.SessionClosed"/>).</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public async ValueTask<TReceive> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        BeginRead();
        try
        {
            using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token) : null;
            return await ReceiveNextAsync(linked?.Token ?? _stopping.Token, cancellationToken).ConfigureAwait(false)
                ? _current!
                : throw Closed("no message arrived");
        }
        finally
        {
            EndRead();
        }
    }

    /// <summary>The token a read's receives run under: the session's, linked with the caller's when it can fire.</summary>
    internal CancellationToken ReadToken(CancellationToken callerToken, out CancellationTokenSource? linked)
    {
        linked = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken, _stopping.Token) : null;
        return linked?.Token ?? _stopping.Token;
    }

    internal void BeginRead()
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("A WebSocket session has one reader at a time; another read is in progress.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0 && _receiveBuffer.Length == 0, this);
    }

    internal void EndRead()
    {
        _current = default;
        Volatile.Write(ref _reading, 0);
        if (Volatile.Read(ref _disposed) != 0)
        {
            ReturnReceiveBuffer();
        }
    }

    private void ReturnReceiveBuffer()
    {
        byte[] buffer = Interlocked.Exchange(ref _receiveBuffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Receives until a message to deliver (in <see cref="_current"/>): reassembles frames up to the size limit, handles the
    /// close handshake, reconnects after a break, drops duplicates and heartbeat replies, runs the stream-event hooks.
    /// <see langword="false"/> when the session was closed normally.
    /// </summary>
    internal ValueTask<bool> ReceiveNextAsync(CancellationToken token, CancellationToken callerToken)
    {
        // The fast path: a whole message already buffered by the socket, no watchdog to feed, no hook to run. No state
        // machine, no clock read; anything else (a partial message, a close, an error, a wait) goes to the general loop,
        // which takes over the receive already started.
        if (_failure is not null || _trackReceive || _connection is not { } connection || connection.Plugins.StreamEvents.Length > 0)
        {
            return ReceiveLoopAsync(null, default, null, token, callerToken);
        }

        ValueTask<ValueWebSocketReceiveResult> pending;
        try
        {
            pending = connection.Socket.ReceiveAsync(_receiveBuffer.AsMemory(0, Math.Min(_receiveBuffer.Length, _settings.MaxMessageBytes)), token);
        }
        catch (Exception ex)
        {
            pending = ValueTask.FromException<ValueWebSocketReceiveResult>(ex);
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return ReceiveLoopAsync(connection, pending, null, token, callerToken);
        }

        ValueWebSocketReceiveResult result = pending.Result; // consumed once: the loop gets the result, not the task
        if (result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
        {
            CountReceived(result.Count);
            return TryAccept(connection, result.MessageType, result.Count)
                ? new ValueTask<bool>(true)
                : ReceiveLoopAsync(null, default, null, token, callerToken); // skipped (a repeat, a heartbeat reply) or failed
        }

        return ReceiveLoopAsync(connection, default, result, token, callerToken);
    }

    /// <summary>
    /// The general receive loop. A receive the fast path began on <paramref name="startedOn"/> (into the start of the
    /// buffer) is continued instead of starting one: <paramref name="started"/> while pending, or its
    /// <paramref name="startedResult"/> once completed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveLoopAsync(
        WebSocketConnection? startedOn,
        ValueTask<ValueWebSocketReceiveResult> started,
        ValueWebSocketReceiveResult? startedResult,
        CancellationToken token,
        CancellationToken callerToken)
    {
        while (true)
        {
            if (_failure is { } failed)
            {
                if (failed is WebSocketSessionException { Reason: WebSocketFailureReason.SessionClosed })
                {
                    return false;
                }

                throw failed;
            }

            WebSocketConnection connection = startedOn ?? _connection!;
            WebSocket socket = connection.Socket;
            ValueWebSocketReceiveResult result = default;
            int length = 0;
            try
            {
                if (_trackReceive)
                {
                    BeginWaiting();
                }

                int limit = _settings.MaxMessageBytes;
                while (true)
                {
                    if (length >= limit)
                    {
                        break; // more of this message is coming: too large (handled below, outside the catch)
                    }

                    if (length == _receiveBuffer.Length)
                    {
                        GrowReceiveBuffer(length);
                    }

                    if (startedOn is not null)
                    {
                        startedOn = null;
                        result = startedResult ?? await started.ConfigureAwait(false);
                    }
                    else
                    {
                        // Never more than the limit: the pool may hand out a larger array.
                        result = await socket.ReceiveAsync(_receiveBuffer.AsMemory(length, Math.Min(_receiveBuffer.Length, limit) - length), token).ConfigureAwait(false);
                    }

                    length += result.Count;
                    if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (callerToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The read was canceled.", ex, callerToken);
            }
            catch (Exception ex) when (_failure is null && !Stopped)
            {
                if (!await TryReconnectAsync(connection, Classify(ex, connection)).ConfigureAwait(false))
                {
                    throw _failure!;
                }

                continue;
            }
            catch (Exception) when (Stopped)
            {
                // Closed or failed meanwhile: a failure is reported at the top of the loop; a close this side started ends the read.
                if (_failure is null)
                {
                    return false;
                }

                continue;
            }
            finally
            {
                if (_trackReceive)
                {
                    EndWaiting();
                }
            }

            if (length >= _settings.MaxMessageBytes && !result.EndOfMessage)
            {
                await FailTooLargeAsync(connection).ConfigureAwait(false);
                continue; // throws the failure at the top of the loop
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (await OnCloseReceivedAsync(connection).ConfigureAwait(false))
                {
                    continue; // reconnected
                }

                return false;
            }

            CountReceived(length);
            if (!TryPrepare(connection, result.MessageType, length, out TReceive value, out long? sequence))
            {
                continue; // skipped, or failed (thrown at the top of the loop)
            }

            if (connection.Plugins.StreamEvents.Length > 0)
            {
                // The hooks may await: the message's bytes stay in the receive buffer until they are done.
                StreamHookEvent hooked = connection.HookEvent ??= new StreamHookEvent(connection.Call, typeof(TReceive));
                hooked.EventType = result.MessageType == WebSocketMessageType.Text ? "text" : "binary";
                hooked.EventId = sequence?.ToString(CultureInfo.InvariantCulture);
                hooked.Data = _receiveBuffer.AsMemory(0, length);
                hooked.Item = value;
                hooked.ItemReplaced = false;
                hooked.Dropped = false;
                hooked.Index = _eventIndex++;
                await HookRunner.RunAsync(connection.Plugins.StreamEvents, HookKind.StreamEvent, new StreamEventHookCall(hooked), token).ConfigureAwait(false);
                hooked.Data = default;
                if (hooked.Dropped || (hooked.ItemReplaced && hooked.Item is null))
                {
                    if (sequence is not null)
                    {
                        _lastSequence = sequence;
                    }

                    continue;
                }

                if (hooked.ItemReplaced)
                {
                    value = (TReceive)hooked.Item!;
                }

                hooked.Item = null;
            }

            Deliver(value, result.MessageType, length, sequence);
            return true;
        }
    }

    /// <summary>A whole message, without hooks: prepared, then delivered. <see langword="false"/> when skipped or failed.</summary>
    private bool TryAccept(WebSocketConnection connection, WebSocketMessageType type, int length)
    {
        if (!TryPrepare(connection, type, length, out TReceive value, out long? sequence))
        {
            return false;
        }

        Deliver(value, type, length, sequence);
        return true;
    }

    /// <summary>
    /// Decodes a whole message, hands it to the acknowledgement matcher, and says whether it is for the reader:
    /// <see langword="false"/> for a repeat (by sequence number), a heartbeat reply, or a message that could not be decoded
    /// (the session then failed).
    /// </summary>
    private bool TryPrepare(WebSocketConnection connection, WebSocketMessageType type, int length, out TReceive value, out long? sequence)
    {
        sequence = null;
        if (!TryDecode(connection, type, length, out value))
        {
            return false;
        }

        _replay?.Acknowledge(value);
        if (_options.SequenceOf is { } sequenceOf)
        {
            sequence = sequenceOf(value);
            if (sequence is { } seq && _lastSequence is { } last && seq <= last)
            {
                return false; // sent again after a reconnect: already delivered
            }
        }

        return _options.IsHeartbeatReply is not { } isReply || !isReply(value);
    }

    private void Deliver(TReceive value, WebSocketMessageType type, int length, long? sequence)
    {
        if (sequence is not null)
        {
            _lastSequence = sequence;
        }

        _current = value;
        _currentType = type;
        _currentLength = length;
        _currentSequence = sequence;
        Volatile.Write(ref _delivered, _delivered + 1); // one reader at a time
        if (_attemptsWithoutProgress != 0)
        {
            Volatile.Write(ref _attemptsWithoutProgress, 0);
        }
    }

    private void GrowReceiveBuffer(int length)
    {
        int size = (int)Math.Min((long)_receiveBuffer.Length * 2, _settings.MaxMessageBytes);
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _receiveBuffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        _receiveBuffer = larger;
    }

    private bool TryDecode(WebSocketConnection connection, WebSocketMessageType type, int length, out TReceive value)
    {
        try
        {
            value = _receiveCodec.Decode(_receiveBuffer.AsSpan(0, length), type);
            return true;
        }
        catch (Exception ex)
        {
            value = default!;
            _ = CloseQuietlyAsync(connection, WebSocketCloseStatus.InvalidPayloadData, "invalid message");
            Stop(new WebSocketSessionException(
                WebSocketFailureReason.InvalidMessage,
                $"{_request}: a {(type == WebSocketMessageType.Text ? "text" : "binary")} message of {length} bytes could not be decoded as {typeof(TReceive).Name}: {ex.Message}",
                messagesDelivered: MessagesReceived,
                innerException: ex));
            return false;
        }
    }

    /// <summary>A message beyond the limit: close with 1009 and fail (the same message would come again after a reconnect).</summary>
    private async ValueTask FailTooLargeAsync(WebSocketConnection connection)
    {
        await CloseQuietlyAsync(connection, WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
        Stop(new WebSocketSessionException(
            WebSocketFailureReason.MessageTooLarge,
            $"{_request}: a message was larger than the limit of {_settings.MaxMessageBytes} bytes; the socket was closed with 1009.",
            WebSocketCloseStatus.MessageTooBig,
            messagesDelivered: MessagesReceived));
    }

    /// <summary>Sends a close frame, within the close timeout, ignoring a socket already gone.</summary>
    private async Task CloseQuietlyAsync(WebSocketConnection connection, WebSocketCloseStatus status, string description)
    {
        using var timeout = new CancellationTokenSource(_settings.CloseTimeout, _time);
        bool locked = false;
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            locked = true;
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await connection.Socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }

            CloseStatus ??= status;
            CloseStatusDescription ??= description;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            // Gone already: the socket is released by the caller's Stop.
        }
        finally
        {
            if (locked)
            {
                _sendLock.Release();
            }
        }
    }

    /// <summary>
    /// The peer's close frame: answers it, then ends the reader (a normal close, or one this side started), reconnects (going
    /// away, restart, try later, server error), or fails with the status. <see langword="true"/> when reconnected.
    /// </summary>
    private async ValueTask<bool> OnCloseReceivedAsync(WebSocketConnection connection)
    {
        WebSocket socket = connection.Socket;
        WebSocketCloseStatus? status = socket.CloseStatus;
        string? description = socket.CloseStatusDescription;
        bool initiatedHere = Stopped;
        if (!initiatedHere)
        {
            await CloseQuietlyAsync(connection, status ?? WebSocketCloseStatus.NormalClosure, description ?? string.Empty).ConfigureAwait(false);
        }

        CloseStatus = status;
        CloseStatusDescription = description;
        _closeReceived.TrySetResult();
        if (initiatedHere || status is WebSocketCloseStatus.NormalClosure or null)
        {
            if (!initiatedHere)
            {
                Stop(new WebSocketSessionException(WebSocketFailureReason.SessionClosed, $"{_request}: the server closed the session.", status, description, MessagesReceived));
            }

            return false;
        }

        var failure = new WebSocketSessionException(
            WebSocketFailureReason.ClosedByServer,
            string.Create(CultureInfo.InvariantCulture, $"{_request}: the server closed the socket with {(int)status} ({status}){(string.IsNullOrEmpty(description) ? string.Empty : ": " + description)}."),
            status,
            description,
            MessagesReceived);
        if (await TryReconnectAsync(connection, failure).ConfigureAwait(false))
        {
            CloseStatus = null;
            CloseStatusDescription = null;
            return true;
        }

        throw _failure!;
    }

    private void CountReceived(int bytes)
    {
        if (_trackReceive)
        {
            MarkReceived();
        }

        if (SdkDiagnostics.WebSocketMessages.Enabled)
        {
            SdkDiagnostics.WebSocketMessages.Add(1, new KeyValuePair<string, object?>("direction", "in"));
            SdkDiagnostics.WebSocketBytes.Add(bytes, new KeyValuePair<string, object?>("direction", "in"));
        }
    }
}
