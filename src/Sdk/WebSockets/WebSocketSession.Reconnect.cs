using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Sdk.WebSockets;

public sealed partial class WebSocketSession<TSend, TReceive>
{
    /// <summary>
    /// After <paramref name="failed"/> broke with <paramref name="failure"/>: reconnects (one reconnect at a time, shared by
    /// the reader and the sender), or stops the session with the failure. <see langword="true"/> once a new socket is current.
    /// </summary>
    private async ValueTask<bool> TryReconnectAsync(WebSocketConnection failed, WebSocketSessionException failure)
    {
        Task<bool> reconnect;
        lock (_stateLock)
        {
            if (!ReferenceEquals(_connection, failed))
            {
                return true; // another caller reconnected already
            }

            if (_reconnecting is null)
            {
                if (Stopped || !_settings.Reconnect.Enabled || !IsReconnectable(failure))
                {
                    reconnect = Task.FromResult(false);
                }
                else
                {
                    _reconnecting = ReconnectLoopAsync(failed, failure);
                    reconnect = _reconnecting;
                }
            }
            else
            {
                reconnect = _reconnecting;
            }
        }

        if (!await reconnect.ConfigureAwait(false))
        {
            Stop(failure);
            return false;
        }

        return true;
    }

    private static bool IsReconnectable(WebSocketSessionException failure) => failure.Reason switch
    {
        WebSocketFailureReason.ConnectionLost or WebSocketFailureReason.KeepAliveTimeout or WebSocketFailureReason.HeartbeatTimeout or WebSocketFailureReason.IdleTimeout => true,

        // Going away (a server shutting down or a proxy), server error, service restart, try again later.
        WebSocketFailureReason.ClosedByServer => failure.CloseStatus is WebSocketCloseStatus.EndpointUnavailable or WebSocketCloseStatus.InternalServerError or (WebSocketCloseStatus)1012 or (WebSocketCloseStatus)1013,
        _ => false,
    };

    /// <summary>
    /// Reconnect attempts with back-off: the handshake through the pipeline (no retries of its own: this loop is the
    /// retry), then, under the send lock, the connected callback and the replay on the new socket, then publication.
    /// </summary>
    private async Task<bool> ReconnectLoopAsync(WebSocketConnection failed, WebSocketSessionException failure)
    {
        await Task.Yield(); // run outside the caller's lock
        StopTimers();
        failed.Endpoint?.RecordLateFailure(failure);
        failed.Release();
        WebSocketReconnectOptions options = _settings.Reconnect;
        CancellationToken stopping = _stopping.Token;
        Exception last = failure;
        // The attempts count from the last message that went through (either way), not from the last handshake: a server
        // that accepts and at once closes (or breaks) again backs off, and gives up after MaxAttempts such rounds.
        for (int attempt = Volatile.Read(ref _attemptsWithoutProgress); attempt < options.MaxAttempts; attempt++)
        {
            WebSocketConnection? next = null;
            Volatile.Write(ref _attemptsWithoutProgress, attempt + 1);
            try
            {
                TimeSpan delay = options.Delay(attempt);
                SdkDiagnostics.WebSocketReconnects.Add(1, new KeyValuePair<string, object?>("reason", failure.Reason.ToString()));
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }

                next = await _client.OpenWebSocketAsync(_request, _handshake, maxRetries: 0, stopping).ConfigureAwait(false);
                await _sendLock.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    await RunOnConnectedAsync(next, Reconnects + 1, stopping).ConfigureAwait(false);
                    if (_replay is not null)
                    {
                        foreach (OutgoingMessage<TSend> message in _replay.Snapshot())
                        {
                            await WriteDirectAsync(next.Socket, message.Data, message.Type, stopping).ConfigureAwait(false);
                        }
                    }

                    Reconnects++;
                    Publish(next);
                }
                finally
                {
                    _sendLock.Release();
                }

                return true;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                next?.Release();
                last = ex;
                if (ex is ApiException api && !RetryClassifier.IsRetryableStatus(api.StatusCode))
                {
                    break; // refused for good (401 after a refresh, 403, 404): more attempts would be refused too
                }
            }
            catch (OperationCanceledException)
            {
                next?.Release();
                return false;
            }
        }

        string why = ReferenceEquals(last, failure)
            ? string.Create(CultureInfo.InvariantCulture, $"The session gave up after {options.MaxAttempts} reconnects in a row that got no message through.")
            : $"It could not be re-established: {last.Message}";
        Interlocked.CompareExchange(ref _failure, new WebSocketSessionException(
            failure.Reason,
            $"{failure.Message} {why}",
            failure.CloseStatus,
            failure.CloseDescription,
            MessagesReceived,
            last), null);
        return false;
    }

    /// <summary>Runs the connected callback on a new socket, its sends written directly (the caller holds the send lock, or nothing else sends yet).</summary>
    private async ValueTask RunOnConnectedAsync(WebSocketConnection connection, int reconnects, CancellationToken cancellationToken)
    {
        if (_options.OnConnected is not { } onConnected)
        {
            return;
        }

        var context = new WebSocketResumeContext<TSend>(reconnects, MessagesReceived, _lastSequence, async (message, token) =>
        {
            OutgoingMessage<TSend> outgoing = Encode(message);
            try
            {
                using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
                await WriteDirectAsync(connection.Socket, outgoing.Data, outgoing.Type, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                outgoing.Return();
            }
        });
        await onConnected(context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a socket failure means for the session.</summary>
    private WebSocketSessionException Classify(Exception exception, WebSocketConnection connection)
    {
        if (connection.AbortReason is { } aborted)
        {
            string what = aborted switch
            {
                WebSocketFailureReason.IdleTimeout => string.Create(CultureInfo.InvariantCulture, $"no message arrived for {_settings.ReceiveIdleTimeout.TotalSeconds:0.###} s"),
                WebSocketFailureReason.HeartbeatTimeout => string.Create(CultureInfo.InvariantCulture, $"no reply to the heartbeat within {_options.HeartbeatTimeout.TotalSeconds:0.###} s"),
                _ => "the socket was aborted",
            };
            return new WebSocketSessionException(aborted, $"{_request}: {what}.", messagesDelivered: MessagesReceived, innerException: exception);
        }

        if (connection.Stream.TimedOut)
        {
            return new WebSocketSessionException(
                WebSocketFailureReason.KeepAliveTimeout,
                string.Create(CultureInfo.InvariantCulture, $"{_request}: the peer did not answer a keep-alive ping within {_settings.KeepAliveTimeout.TotalSeconds:0.###} s."),
                messagesDelivered: MessagesReceived,
                innerException: exception);
        }

        bool lost = exception is WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely }
            || HasInner<IOException>(exception) || HasInner<SocketException>(exception) || HasInner<HttpRequestException>(exception)
            || connection.Socket.State == WebSocketState.Aborted && exception is OperationCanceledException;
        return lost
            ? new WebSocketSessionException(WebSocketFailureReason.ConnectionLost, $"{_request}: the connection was lost: {exception.Message}", messagesDelivered: MessagesReceived, innerException: exception)
            : new WebSocketSessionException(WebSocketFailureReason.ProtocolViolation, $"{_request}: the server broke the WebSocket protocol: {exception.Message}", connection.Socket.CloseStatus, connection.Socket.CloseStatusDescription, MessagesReceived, exception);
    }

    private static bool HasInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return true;
            }
        }

        return false;
    }
}
