using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// Self-tests of the WebSocket test servers, driven by a plain <see cref="ClientWebSocket"/> (not the SDK). They also
/// pin what .NET's client reports for each failure, so the SDK knows what it translates. Every await is bounded by a
/// 10 s token or timeout.
/// </summary>
public sealed partial class ServerSelfTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Kestrel_echo_round_trips_text_and_binary_and_answers_close_with_the_same_status()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/echo"), cts.Token);

        await ws.SendTextAsync("{\"seq\":1}", cts.Token);
        ClientWsMessage text = await ws.ReceiveAsync(cts.Token);
        await ws.SendAsync(new byte[] { 0, 1, 2, 255 }, WebSocketMessageType.Binary, true, cts.Token);
        ClientWsMessage binary = await ws.ReceiveAsync(cts.Token);

        Assert.Equal(WebSocketMessageType.Text, text.Type);
        Assert.Equal("{\"seq\":1}", text.Text);
        Assert.Equal(WebSocketMessageType.Binary, binary.Type);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, binary.Payload);

        await ws.CloseAsync((WebSocketCloseStatus)4000, "see you", cts.Token);
        Assert.Equal(WebSocketState.Closed, ws.State);
        Assert.Equal((WebSocketCloseStatus)4000, ws.CloseStatus);
        Assert.Equal("see you", ws.CloseStatusDescription);
        await server.WaitUntilAsync(() => server.OpenSockets == 0, Bound);
        Assert.Equal(1, server.Connections);
        Assert.Equal(2, server.Path("ws/echo").MessagesReceived);
        Assert.Empty(server.HandlerErrors);
    }

    [Fact]
    public async Task Kestrel_seq_with_killAfter_ends_with_ConnectionClosedPrematurely_after_exactly_K_and_resumes_from_the_cursor()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);

        using (ClientWebSocket first = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq?count=10&killAfter=3"), cts.Token))
        {
            (List<ClientWsMessage> messages, Exception? error) = await first.ReceiveAllAsync(cts.Token);
            Assert.Equal([1L, 2L, 3L], messages.Select(Seq));
            Assert.Equal("message 1", JsonDocument.Parse(messages[0].Payload).RootElement.GetProperty("text").GetString());

            // Abort without a close frame: .NET reports WebSocketException(ConnectionClosedPrematurely), state Aborted, no CloseStatus.
            WebSocketException ex = Assert.IsType<WebSocketException>(error);
            Assert.Equal(WebSocketError.ConnectionClosedPrematurely, ex.WebSocketErrorCode);
            Assert.Equal("The remote party closed the WebSocket connection without completing the close handshake.", ex.Message);
            Assert.Equal(WebSocketState.Aborted, first.State);
            Assert.Null(first.CloseStatus);
        }

        using ClientWebSocket second = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq?count=10&from=3"), cts.Token);
        (List<ClientWsMessage> rest, Exception? end) = await second.ReceiveAllAsync(cts.Token);
        Assert.Null(end);
        Assert.Equal([4L, 5L, 6L, 7L, 8L, 9L, 10L], rest.Select(Seq));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, second.CloseStatus);
        Assert.Equal("done", second.CloseStatusDescription);
        await second.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        await server.WaitUntilAsync(() => server.OpenSockets == 0, Bound);
        Assert.Empty(server.HandlerErrors);
    }

    [Fact]
    public async Task Kestrel_seq_killAfterList_varies_the_kill_per_connection()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        var seen = new List<long>();
        var errors = new List<Exception?>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long from = seen.Count == 0 ? 0 : seen[^1];
            using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri($"ws/seq?count=10&killAfterList=2,3&from={from}"), cts.Token);
            (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);
            seen.AddRange(messages.Select(Seq));
            errors.Add(error);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen);
        Assert.IsType<WebSocketException>(errors[0]);
        Assert.IsType<WebSocketException>(errors[1]);
        Assert.Null(errors[2]);
        Assert.Equal(3, server.Path("ws/seq").Connections);
    }

    [Fact]
    public async Task Kestrel_killAfter_zero_accepts_then_drops_the_connection()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq?killAfter=0"), cts.Token);
        WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => ws.ReceiveAsync(cts.Token));
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, ex.WebSocketErrorCode);
    }

    [Fact]
    public async Task Kestrel_seq_msg_takes_the_cursor_from_the_first_message()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq-msg?count=10"), cts.Token);
        await ws.SendTextAsync("{\"from\":7}", cts.Token);
        (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);
        Assert.Null(error);
        Assert.Equal([8L, 9L, 10L], messages.Select(Seq));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }

    [Fact]
    public async Task Kestrel_close_delivers_messages_then_the_close_status_and_reason()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/close?code=4001&reason=custom%20reason&after=2"), cts.Token);
        (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);

        Assert.Null(error);
        Assert.Equal([1L, 2L], messages.Select(Seq));
        Assert.Equal(WebSocketState.CloseReceived, ws.State);
        Assert.Equal((WebSocketCloseStatus)4001, ws.CloseStatus);
        Assert.Equal("custom reason", ws.CloseStatusDescription);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        Assert.Equal(WebSocketState.Closed, ws.State);
        await server.WaitUntilAsync(() => server.Path("ws/close").Open == 0, Bound);
    }

    [Fact]
    public async Task Kestrel_status_refuses_the_handshake_and_records_headers()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);

        // A refused handshake: WebSocketException(NotAWebSocket) "The server returned status code '401' when status code
        // '101' was expected."; with CollectHttpResponseDetails the status and headers (Retry-After) are on the socket.
        using var unauthorized = new ClientWebSocket();
        unauthorized.Options.CollectHttpResponseDetails = true;
        unauthorized.Options.SetRequestHeader("Authorization", "Bearer token-1");
        WebSocketException refused = await Assert.ThrowsAsync<WebSocketException>(() => unauthorized.ConnectAsync(server.WebSocketUri("ws/status?code=401"), cts.Token));
        Assert.Equal(WebSocketError.NotAWebSocket, refused.WebSocketErrorCode);
        Assert.Equal("The server returned status code '401' when status code '101' was expected.", refused.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.HttpStatusCode);

        using var unavailable = new ClientWebSocket();
        unavailable.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => unavailable.ConnectAsync(server.WebSocketUri("ws/status?code=503"), cts.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.HttpStatusCode);
        Assert.Equal(["0"], unavailable.HttpResponseHeaders!["Retry-After"]);

        Assert.Equal(2, server.Path("ws/status").Requests);
        Assert.Equal(0, server.Connections);
        Assert.Equal("Bearer token-1", server.Handshakes[0].Header("Authorization"));
        Assert.Null(server.Handshakes[1].Header("Authorization"));
        Assert.All(server.Handshakes, h => Assert.True(h.IsWebSocketRequest));
    }

    [Fact]
    public async Task Kestrel_flaky_refuses_the_first_attempts_then_accepts()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        Uri uri = server.WebSocketUri("ws/flaky?fail=2&code=503");
        for (int i = 0; i < 2; i++)
        {
            using var refused = new ClientWebSocket();
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(uri, cts.Token));
        }

        using ClientWebSocket ws = await ClientWs.ConnectAsync(uri, cts.Token);
        await ws.SendTextAsync("hi", cts.Token);
        Assert.Equal("hi", (await ws.ReceiveAsync(cts.Token)).Text);
        Assert.Equal(3, server.Path("ws/flaky").Requests);
        Assert.Equal(1, server.Path("ws/flaky").Connections);
    }

    [Fact]
    public async Task Kestrel_answers_the_first_requested_subprotocol_and_records_them()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/echo"), cts.Token, o =>
        {
            o.AddSubProtocol("p1");
            o.AddSubProtocol("p2");
        });
        Assert.Equal("p1", ws.SubProtocol);
        await server.WaitForConnectionsAsync(1, Bound);
        Assert.Equal(["p1", "p2"], server.RequestedSubProtocols[0]);

        // protocol=NAME answers a subprotocol the client did not ask for: WebSocketException(UnsupportedProtocol).
        using var mismatch = new ClientWebSocket();
        mismatch.Options.AddSubProtocol("p1");
        WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => mismatch.ConnectAsync(server.WebSocketUri("ws/echo?protocol=other"), cts.Token));
        Assert.Equal(WebSocketError.UnsupportedProtocol, ex.WebSocketErrorCode);
    }

    [Fact]
    public async Task Kestrel_big_sends_one_message_of_exactly_the_size()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/big?bytes=100000"), cts.Token);
        ClientWsMessage message = await ws.ReceiveAsync(cts.Token);
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        Assert.Equal(100_000, message.Payload.Length);
        Assert.Equal(100_000 - 11, JsonDocument.Parse(message.Payload).RootElement.GetProperty("data").GetString()!.Length);

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        await server.WaitUntilAsync(() => server.OpenSockets == 0, Bound);
    }

    [Fact]
    public async Task Kestrel_flood_sends_every_message_in_order_then_closes()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/flood?count=2000"), cts.Token);
        (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);
        Assert.Null(error);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), messages.Select(Seq));
        Assert.Equal("done", ws.CloseStatusDescription);
        Assert.Equal(2000, server.Path("ws/flood").MessagesSent);
    }

    [Fact]
    public async Task Kestrel_flood_ends_its_handler_when_the_client_aborts_mid_flood()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/flood?count=1000000"), cts.Token);
        WsPathStats flood = server.Path("ws/flood");
        Assert.Equal(1, Seq(await ws.ReceiveAsync(cts.Token)));

        ws.Abort();
        await server.WaitUntilAsync(() => flood.Open == 0, Bound);
        // Stopped before the end of the flood. A send is counted once its flush completes, which can come after the client
        // already read the message and aborted (the flush then fails): even the message the client got may not count.
        Assert.InRange(flood.MessagesSent, 0, 999_999);
        Assert.Empty(server.HandlerErrors);
    }

    [Fact]
    public async Task Kestrel_silent_never_answers_pings_so_the_client_keep_alive_timeout_aborts()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/silent"), cts.Token, o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });

        // .NET 10 reports the timeout in one of two shapes, depending on whether the abort reaches the pending read before
        // or after its own failure: OperationCanceledException("Aborted") whose InnerException is an AggregateException
        // holding the WebSocketException(Faulted, "... KeepAliveTimeout ..."), or that WebSocketException itself. Either
        // way the socket is aborted without a close status, and the caller's token did not fire. (The SDK does its own
        // dead-peer detection and depends on neither shape; what matters here is that ws/silent never answers a ping.)
        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => ws.ReceiveAsync(cts.Token));
        Assert.True(ex is OperationCanceledException or WebSocketException, ex.ToString());
        Assert.False(cts.IsCancellationRequested);
        Assert.Equal(WebSocketState.Aborted, ws.State);
        Assert.Null(ws.CloseStatus);

        // A later send fails as InvalidState with the timeout as its inner exception (if the read's did not carry it).
        WebSocketException later = await Assert.ThrowsAsync<WebSocketException>(() => ws.SendTextAsync("x", cts.Token));
        Assert.Equal(WebSocketError.InvalidState, later.WebSocketErrorCode);
        WebSocketException timeout = Chain(ex).Concat(Chain(later)).OfType<WebSocketException>()
            .First(e => e.Message.Contains("KeepAliveTimeout", StringComparison.Ordinal));
        Assert.Equal(WebSocketError.Faulted, timeout.WebSocketErrorCode);

        // The client closed the TCP connection: the server's handler ended.
        await server.WaitUntilAsync(() => server.Path("ws/silent").Open == 0, Bound);
    }

    [Fact]
    public async Task Kestrel_subs_sends_per_key_sequences_and_records_subscriptions()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/subs?count=5"), cts.Token);
        await ws.SendTextAsync("{\"op\":\"sub\",\"key\":\"k1\"}", cts.Token);
        await ws.SendTextAsync("{\"op\":\"sub\",\"key\":\"k2\",\"from\":2}", cts.Token);
        var byKey = new Dictionary<string, List<long>> { ["k1"] = [], ["k2"] = [] };
        for (int i = 0; i < 8; i++)
        {
            JsonElement root = JsonDocument.Parse((await ws.ReceiveAsync(cts.Token)).Payload).RootElement;
            byKey[root.GetProperty("key").GetString()!].Add(root.GetProperty("seq").GetInt64());
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], byKey["k1"]);
        Assert.Equal([3L, 4L, 5L], byKey["k2"]);

        await ws.SendTextAsync("{\"op\":\"unsub\",\"key\":\"k1\"}", cts.Token);
        await server.WaitUntilAsync(() => server.Subs.Ops.Count == 3, Bound);
        Assert.Equal(new WsSubOp(0, "unsub", "k1", null), server.Subs.Ops[2]);
        Assert.Equal(new WsSubOp(0, "sub", "k2", 2), server.Subs.Ops[1]);
        Assert.Equal(["k2"], server.Subs.ActiveKeys[0]);

        using ClientWebSocket second = await ClientWs.ConnectAsync(server.WebSocketUri("ws/subs?count=5"), cts.Token);
        await server.WaitUntilAsync(() => server.Subs.Open == 2, Bound);
        Assert.Equal(2, server.Subs.MaxOpen);
        await second.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        await server.WaitUntilAsync(() => server.Subs.Open == 0, Bound);
        Assert.Empty(server.Subs.ActiveKeys);
        Assert.Equal(["k1", "k2"], server.Subs.KeysPerConnection[0].Order());
        Assert.Empty(server.HandlerErrors);
    }

    [Fact]
    public async Task Kestrel_dispose_aborts_open_sockets_promptly()
    {
        using var cts = new CancellationTokenSource(Bound);
        KestrelWsServer server = await KestrelWsServer.StartAsync();
        ClientWebSocket silent = await ClientWs.ConnectAsync(server.WebSocketUri("ws/silent"), cts.Token);
        ClientWebSocket echo = await ClientWs.ConnectAsync(server.WebSocketUri("ws/echo"), cts.Token);
        await server.WaitUntilAsync(() => server.OpenSockets == 2, Bound);

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => silent.ReceiveAsync(cts.Token));
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, ex.WebSocketErrorCode);
        await Assert.ThrowsAsync<WebSocketException>(() => echo.ReceiveAsync(cts.Token));
        silent.Dispose();
        echo.Dispose();
    }

    [Fact]
    public async Task Kestrel_wait_for_connections_times_out_with_the_state()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        TimeoutException ex = await Assert.ThrowsAsync<TimeoutException>(() => server.WaitForConnectionsAsync(1, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("0 of 1 connections", ex.Message, StringComparison.Ordinal);
    }

    private static long Seq(ClientWsMessage message) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(message.Payload)).RootElement.GetProperty("seq").GetInt64();

    /// <summary>An exception, its inner exceptions and those of any <see cref="AggregateException"/> among them.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        yield return exception;
        IEnumerable<Exception> inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (Exception child in inner.SelectMany(Chain))
        {
            yield return child;
        }
    }
}
