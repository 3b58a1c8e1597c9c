using System.Net.WebSockets;
using System.Threading.Channels;

namespace Sdk.WebSockets;

public sealed partial class WebSocketSession<TSend, TReceive>
{
    /// <summary>
    /// Queues a message. Completes once the message is in the send queue: at once when there is room; when the queue is
    /// full, after room was made (<see cref="SendQueueFullMode.Wait"/>) or with an exception (<see cref="SendQueueFullMode.Fail"/>).
    /// Messages are written in the order they were queued, on whichever socket is current; a message whose write fails is
    /// written again after a reconnect.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting for room in the queue.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    /// <exception cref="WebSocketSessionException">The queue is full (<see cref="WebSocketFailureReason.SendQueueFull"/>), or the session is closed or failed (<see cref="WebSocketFailureReason.SessionClosed"/>, with the failure as the inner exception).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for room.</exception>
    public ValueTask SendAsync(TSend message, CancellationToken cancellationToken = default)
    {
        if (Stopped)
        {
            return ValueTask.FromException(Closed("a message could not be sent"));
        }

        OutgoingMessage<TSend> outgoing = Encode(message);
        return Enqueue(outgoing, cancellationToken);
    }

    /// <summary>Queues a message already encoded (raw access): text must be UTF-8. Otherwise as <see cref="SendAsync"/>; the acknowledgement matcher sees <see langword="default"/> for it.</summary>
    /// <param name="data">The message's bytes (copied).</param>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="cancellationToken">Stops waiting for room in the queue.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/>.</exception>
    /// <exception cref="WebSocketSessionException">As for <see cref="SendAsync"/>.</exception>
    public ValueTask SendRawAsync(ReadOnlyMemory<byte> data, WebSocketMessageType messageType, CancellationToken cancellationToken = default)
    {
        if (messageType == WebSocketMessageType.Close)
        {
            throw new ArgumentException("Close the session with CloseAsync.", nameof(messageType));
        }

        if (Stopped)
        {
            return ValueTask.FromException(Closed("a message could not be sent"));
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.Span.CopyTo(buffer);
        return Enqueue(new OutgoingMessage<TSend>(default!, buffer, data.Length, messageType), cancellationToken);
    }

    private OutgoingMessage<TSend> Encode(TSend message)
    {
        PooledBufferWriter writer = PooledBufferWriter.Rent();
        WebSocketMessageType type;
        try
        {
            type = _sendCodec.Encode(message, writer);
        }
        catch
        {
            writer.Abandon();
            throw;
        }

        byte[] buffer = writer.Detach(out int length);
        return new OutgoingMessage<TSend>(message, buffer, length, type);
    }

    private ValueTask Enqueue(OutgoingMessage<TSend> outgoing, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queueDepth);
        if (_queue.Writer.TryWrite(outgoing))
        {
            SdkDiagnostics.WebSocketSendQueueDepth.Add(1);
            return default;
        }

        if (Stopped || _settings.SendQueueFullMode == SendQueueFullMode.Fail)
        {
            Interlocked.Decrement(ref _queueDepth);
            outgoing.Return();
            return ValueTask.FromException(Stopped
                ? Closed("a message could not be sent")
                : new WebSocketSessionException(WebSocketFailureReason.SendQueueFull, $"{_request}: the send queue is full ({_settings.SendQueueCapacity} messages).", messagesDelivered: MessagesReceived));
        }

        return EnqueueSlowAsync(outgoing, cancellationToken);
    }

    private async ValueTask EnqueueSlowAsync(OutgoingMessage<TSend> outgoing, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(outgoing, cancellationToken).ConfigureAwait(false);
            SdkDiagnostics.WebSocketSendQueueDepth.Add(1);
        }
        catch (Exception ex)
        {
            Interlocked.Decrement(ref _queueDepth);
            outgoing.Return();
            if (ex is ChannelClosedException)
            {
                throw Closed("a message could not be sent");
            }

            throw;
        }
    }

    /// <summary>Writes queued messages, one at a time, in order, until the queue is completed (close) or the session stops.</summary>
    private async Task SendLoopAsync()
    {
        ChannelReader<OutgoingMessage<TSend>> reader = _queue.Reader;
        CancellationToken stopping = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (reader.TryRead(out OutgoingMessage<TSend> outgoing))
                {
                    Interlocked.Decrement(ref _queueDepth);
                    SdkDiagnostics.WebSocketSendQueueDepth.Add(-1);
                    if (!await WriteAsync(outgoing, stopping).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The session stopped.
        }
    }

    /// <summary>Writes one message, reconnecting (and writing it again, or letting the replay do so) when the socket broke; <see langword="false"/> once the session failed.</summary>
    private async ValueTask<bool> WriteAsync(OutgoingMessage<TSend> outgoing, CancellationToken stopping)
    {
        bool reserved = false;
        try
        {
            if (_replay is not null)
            {
                await _replay.ReserveAsync(stopping).ConfigureAwait(false);
                reserved = true;
            }

            while (true)
            {
                WebSocketSessionException failure;
                await _sendLock.WaitAsync(stopping).ConfigureAwait(false);
                WebSocketConnection connection = _connection!;
                try
                {
                    if (reserved)
                    {
                        _replay!.Add(outgoing); // from here the buffer owns it: acknowledged or replayed
                        reserved = false;
                    }

                    await connection.Socket.SendAsync(outgoing.Data, outgoing.Type, endOfMessage: true, stopping).ConfigureAwait(false);
                    CountSent(outgoing.Length);
                    break;
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    failure = Classify(ex, connection);
                }
                finally
                {
                    _sendLock.Release();
                }

                if (!await TryReconnectAsync(connection, failure).ConfigureAwait(false))
                {
                    if (_replay is null)
                    {
                        outgoing.Return();
                    }

                    return false;
                }

                if (_replay is not null)
                {
                    return true; // the reconnect wrote it again, with everything else unacknowledged
                }
            }

            if (_replay is null)
            {
                outgoing.Return();
            }

            return true;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // The session stopped (closed, failed, disposed) while this message waited or was being written: it is dropped.
            if (reserved)
            {
                _replay!.Unreserve();
            }

            if (_replay is null || reserved)
            {
                outgoing.Return();
            }

            return false;
        }
    }

    /// <summary>Writes directly on a new socket (the <see cref="WebSocketSessionOptions{TSend, TReceive}.OnConnected"/> callback and replays), under the send lock its caller holds.</summary>
    private async ValueTask WriteDirectAsync(WebSocket socket, ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await socket.SendAsync(data, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        CountSent(data.Length);
    }

    private void CountSent(int bytes)
    {
        Interlocked.Increment(ref _sent);
        if (_attemptsWithoutProgress != 0)
        {
            Volatile.Write(ref _attemptsWithoutProgress, 0);
        }

        if (SdkDiagnostics.WebSocketMessages.Enabled)
        {
            SdkDiagnostics.WebSocketMessages.Add(1, new KeyValuePair<string, object?>("direction", "out"));
            SdkDiagnostics.WebSocketBytes.Add(bytes, new KeyValuePair<string, object?>("direction", "out"));
        }
    }
}
