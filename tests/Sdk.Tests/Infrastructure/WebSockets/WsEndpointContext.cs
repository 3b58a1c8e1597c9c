using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// One accepted WebSocket of <see cref="KestrelWsServer"/>: serialized sends that count towards <c>killAfter</c>, an
/// optional background reader that reassembles messages and completes a close handshake the client starts, and query
/// helpers. Every wait is bounded by <see cref="Token"/> (the request aborted or the server disposed) or a timeout.
/// </summary>
public sealed class WsEndpointContext
{
    /// <summary>The largest message the reader reassembles; a bigger one is closed with 1009.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _clientClose = StreamServer.Signal<WebSocketCloseStatus?>();
    private readonly WsPathStats _stats;
    private Task? _reader;
    private bool _closeSent;
    private int _sent;

    internal WsEndpointContext(HttpContext http, WebSocket socket, int connectionIndex, WsPathStats stats, CancellationToken token)
    {
        Http = http;
        Socket = socket;
        ConnectionIndex = connectionIndex;
        _stats = stats;
        Token = token;
        KillAfter = ReadKillAfter(connectionIndex);
    }

    public HttpContext Http { get; }

    public WebSocket Socket { get; }

    /// <summary>Index of this socket among the sockets accepted on its path, from 0.</summary>
    public int ConnectionIndex { get; }

    /// <summary>Cancelled when the client goes away or the server is disposed.</summary>
    public CancellationToken Token { get; }

    /// <summary>After this many sent messages the connection is aborted (no close frame); <see langword="null"/>: never.</summary>
    public int? KillAfter { get; }

    /// <summary>Messages sent on this connection.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Whether the connection was aborted because of <see cref="KillAfter"/>.</summary>
    public bool Killed { get; private set; }

    /// <summary>The close status the client sent (completes with <see langword="null"/> if the connection ended without one).</summary>
    public Task<WebSocketCloseStatus?> ClientClose => _clientClose.Task;

    /// <summary>The close description the client sent, once <see cref="ClientClose"/> has completed.</summary>
    public string? ClientCloseDescription { get; private set; }

    /// <summary>Completes when the background reader has stopped (never faults); completed if it never started.</summary>
    public Task ReadingDone => _reader ?? Task.CompletedTask;

    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    public long QueryLong(string name, long fallback) =>
        long.TryParse(Query(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : fallback;

    public int QueryInt(string name, int fallback) =>
        int.TryParse(Query(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    /// <summary>Aborts the TCP connection now, without a close frame.</summary>
    public void Kill()
    {
        Killed = true;
        Http.Abort();
    }

    /// <summary>Kills the connection at once when <c>killAfter=0</c>; returns whether it did.</summary>
    public bool KillIfDueAtStart()
    {
        if (KillAfter == 0)
        {
            Kill();
            return true;
        }

        return false;
    }

    /// <summary>
    /// Sends one whole message. Once <see cref="KillAfter"/> messages have been sent it aborts the connection and throws
    /// <see cref="OperationCanceledException"/>, so the endpoint unwinds.
    /// </summary>
    public async Task SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync(Token);
        try
        {
            if (Killed || _closeSent)
            {
                throw new OperationCanceledException("The connection is closing or was killed.");
            }

            await Socket.SendAsync(payload, type, endOfMessage: true, Token);
            int sent = Interlocked.Increment(ref _sent);
            _stats.OnSent();
            if (sent == KillAfter)
            {
                Kill();
                throw new OperationCanceledException($"Killed after {sent} messages, as asked.");
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends one JSON object as a text message; <paramref name="write"/> writes its properties.</summary>
    public Task SendJsonAsync(Action<Utf8JsonWriter> write) => SendAsync(Json(write));

    /// <summary>Builds the UTF-8 bytes of a JSON object whose properties <paramref name="write"/> writes.</summary>
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Starts the background reader (once): it reassembles messages and hands each to <paramref name="onMessage"/>
    /// (or discards it), answers pings (the socket does), and completes a close handshake the client starts. Await
    /// <see cref="ReadingDone"/> to wait for it to stop.
    /// </summary>
    public void StartReading(Func<WebSocketMessageType, ReadOnlyMemory<byte>, Task>? onMessage = null) =>
        _reader ??= ReadLoopAsync(onMessage);

    /// <summary>
    /// Sends a close frame (unless one was sent) and waits, bounded, for the client's; aborts the socket if none comes.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? description)
    {
        if (Killed)
        {
            return;
        }

        StartReading();
        await SendCloseAsync(status, description);
        try
        {
            await ClientClose.WaitAsync(CloseTimeout, Token);
        }
        catch (TimeoutException)
        {
            Socket.Abort();
        }
    }

    /// <summary>Called by the server after the endpoint returned: aborts a socket still open and waits for the reader.</summary>
    internal async Task FinishAsync()
    {
        if (Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            Socket.Abort();
        }

        await ReadingDone;
        _clientClose.TrySetResult(null);
    }

    private async Task SendCloseAsync(WebSocketCloseStatus status, string? description)
    {
        await _sendLock.WaitAsync(Token);
        try
        {
            if (_closeSent || Killed)
            {
                return;
            }

            _closeSent = true;
            await Socket.CloseOutputAsync(status, status == WebSocketCloseStatus.Empty ? null : description, Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync(Func<WebSocketMessageType, ReadOnlyMemory<byte>, Task>? onMessage)
    {
        await Task.Yield();
        byte[] chunk = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await Socket.ReceiveAsync(chunk.AsMemory(), Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClientCloseDescription = Socket.CloseStatusDescription;
                    _clientClose.TrySetResult(Socket.CloseStatus);
                    await SendCloseAsync(Socket.CloseStatus ?? WebSocketCloseStatus.Empty, Socket.CloseStatusDescription);
                    return;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    await SendCloseAsync(WebSocketCloseStatus.MessageTooBig, "too big");
                    return;
                }

                message.Write(chunk.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                _stats.OnReceived();
                if (onMessage is not null)
                {
                    await onMessage(result.MessageType, message.WrittenMemory.ToArray());
                }

                message.ResetWrittenCount();
            }
        }
        catch (Exception)
        {
            // The connection went away, was killed or the server is stopping: the reader just stops.
        }
        finally
        {
            _clientClose.TrySetResult(null);
        }
    }

    private int? ReadKillAfter(int connectionIndex)
    {
        string? list = Query("killAfterList");
        if (!string.IsNullOrEmpty(list))
        {
            string[] items = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (connectionIndex < items.Length)
            {
                return int.Parse(items[connectionIndex], CultureInfo.InvariantCulture);
            }
        }

        int value = QueryInt("killAfter", -1);
        return value >= 0 ? value : null;
    }
}
