using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketReconnectTests
{
    /// <summary>Resumes <c>ws/seq-msg</c> from the last sequence number delivered, on every new socket.</summary>
    private static WebSocketSessionOptions<WsMessage, WsMessage> ResumeFromCursor(List<int>? reconnects = null) => new()
    {
        OnConnected = (context, ct) =>
        {
            reconnects?.Add(context.Reconnects);
            return context.SendAsync(new WsMessage(From: context.LastSequence ?? 0), ct);
        },
        SequenceOf = m => m.Seq,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public async Task Killed_socket_reconnects_and_resumes_with_nothing_lost_or_duplicated(int killAfter)
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.MaxAttempts = 3);
        var reconnects = new List<int>();
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, $"ws/seq-msg?count=200&killAfter={killAfter}", ResumeFromCursor(reconnects), cts.Token);

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Equal(WsTestClient.Range(1, 200), messages.Select(m => m.Seq!.Value));
        // At least one socket per kill (the one that sends message 200 is killed too; the next one closes normally). An
        // abort (RST) may also discard messages still unread in the client's socket buffer: the next socket resumes from the
        // last one delivered, so that costs a connection, never a message.
        int minimumConnections = (200 / killAfter) + 1;
        Assert.InRange(session.Reconnects, minimumConnections - 1, 200);
        Assert.Equal(session.Reconnects + 1, server.Path("ws/seq-msg").Connections);
        Assert.Equal(Enumerable.Range(0, session.Reconnects + 1), reconnects);
        Assert.Equal(200, session.LastSequence);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }

    [Fact]
    public async Task A_server_that_replays_after_the_cursor_causes_no_duplicate()
    {
        // The query cursor is the original one on every reconnect: the server sends everything again, the session drops what it delivered.
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { SequenceOf = m => m.Seq };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/seq?count=30&killAfterList=10,20", options, cts.Token);

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Equal(WsTestClient.Range(1, 30), messages.Select(m => m.Seq!.Value));
        Assert.Equal(2, session.Reconnects);
    }

    [Fact]
    public async Task Without_reconnects_a_break_is_ConnectionLost_with_the_count_delivered()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.Enabled = false);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/seq?count=100&killAfter=7", cancellationToken: cts.Token);

        (List<WsMessage> received, WebSocketSessionException ex) = await WsTestClient.ReadUntilFailureAsync(session, cts.Token);

        Assert.Equal(WebSocketFailureReason.ConnectionLost, ex.Reason);
        Assert.Equal(7, ex.MessagesDelivered);
        Assert.Equal(WsTestClient.Range(1, 7), received.Select(m => m.Seq!.Value));
        Assert.Equal(1, server.Path("ws/seq").Connections);
        WebSocketSessionException send = await Assert.ThrowsAsync<WebSocketSessionException>(() => session.SendAsync(new WsMessage(Seq: 1), cts.Token).AsTask());
        Assert.Equal(WebSocketFailureReason.SessionClosed, send.Reason);
        Assert.Same(ex, send.InnerException);
    }

    [Fact]
    public async Task Reconnect_attempts_are_bounded_and_the_last_error_is_kept()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.MaxAttempts = 3);
        WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo?killAfter=1", cancellationToken: cts.Token);
        await server.DisposeAsync(); // no server any more: every reconnect fails

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(async () =>
        {
            await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
            await foreach (WsMessage message in session.ReadAllAsync(cts.Token))
            {
            }
        });

        Assert.Equal(WebSocketFailureReason.ConnectionLost, ex.Reason);
        Assert.IsType<TransportException>(ex.InnerException);
        Assert.Contains("could not be re-established", ex.Message, StringComparison.Ordinal);
        await session.DisposeAsync();
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    public async Task Going_away_restart_try_later_and_server_error_closes_reconnect_and_resume(int code)
    {
        int connections = 0;
        await using KestrelWsServer server = await KestrelWsServer.StartAsync(app => app.Map("/ws/closing-seq", async (HttpContext context) =>
        {
            // The first socket sends 1..5 and closes with the code; later ones continue from the client's cursor to 10, then close normally.
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            bool first = Interlocked.Increment(ref connections) == 1;
            long from = first ? 0 : await ReadCursorAsync(socket);
            long last = first ? 5 : 10;
            for (long i = from + 1; i <= last; i++)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"seq\":{i}}}"), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            await socket.CloseAsync(first ? (WebSocketCloseStatus)code : WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }));
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var options = new WebSocketSessionOptions<WsMessage, WsMessage>
        {
            OnConnected = (context, ct) => context.IsReconnect ? context.SendAsync(new WsMessage(From: context.LastSequence), ct) : ValueTask.CompletedTask,
            SequenceOf = m => m.Seq,
        };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/closing-seq", options, cts.Token);

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Equal(WsTestClient.Range(1, 10), messages.Select(m => m.Seq!.Value));
        Assert.Equal(1, session.Reconnects);
        Assert.Equal(2, connections);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }

    private static async Task<long> ReadCursorAsync(WebSocket socket)
    {
        byte[] buffer = new byte[256];
        WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        using var document = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        return document.RootElement.GetProperty("from").GetInt64();
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(1011)]
    [InlineData(1012)]
    public async Task A_server_that_keeps_closing_at_once_is_given_up_after_MaxAttempts_rounds(int code)
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.MaxAttempts = 3);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, $"ws/close?code={code}&after=0", cancellationToken: cts.Token);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token));

        Assert.Equal(WebSocketFailureReason.ClosedByServer, ex.Reason);
        Assert.Equal((WebSocketCloseStatus)code, ex.CloseStatus);
        Assert.Equal(3, session.Reconnects); // every handshake succeeded, every socket closed at once: 3 rounds, then give up
        Assert.Equal(4, server.Path("ws/close").Connections);
    }

    [Fact]
    public async Task A_refused_reconnect_ends_the_attempts_at_once()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        int handshakes = 0;
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .OnRequest(
                (context, _) =>
                {
                    // The second handshake goes to a path the server refuses with 404.
                    if (Interlocked.Increment(ref handshakes) > 1 && context.Message is { } message)
                    {
                        message.RequestUri = new Uri(server.BaseAddress, "ws/status?code=404");
                    }

                    return ValueTask.CompletedTask;
                },
                Sdk.Plugins.HookScope.Attempt)
            .Build();
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/seq?count=10&killAfter=2", cancellationToken: cts.Token);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token));

        Assert.Equal(WebSocketFailureReason.ConnectionLost, ex.Reason);
        ApiException refused = Assert.IsType<ApiException>(ex.InnerException);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(2, handshakes);
    }

    [Fact]
    public async Task Replay_resends_unacknowledged_messages_after_a_reconnect_so_every_one_is_answered()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var options = new WebSocketSessionOptions<WsMessage, WsMessage>
        {
            SequenceOf = m => m.Seq,
            Acknowledges = (received, sent) => received.Seq == sent.Seq, // the echo acknowledges
            ReplayCapacity = 64,
        };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo?killAfterList=3", options, cts.Token);

        for (int i = 1; i <= 20; i++)
        {
            await session.SendAsync(new WsMessage(Seq: i), cts.Token);
        }

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 20, cts.Token);

        Assert.Equal(WsTestClient.Range(1, 20), received.Select(m => m.Seq!.Value));
        Assert.Equal(1, session.Reconnects);
        Assert.True(session.MessagesSent > 20, $"sent {session.MessagesSent}: the unacknowledged ones were written again");
    }

    [Fact]
    public async Task Replay_buffer_applies_backpressure_until_acknowledged()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.SendQueueCapacity = 2);
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { Acknowledges = (received, sent) => received.Seq == sent.Seq, ReplayCapacity = 3 };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", options, cts.Token);

        // Nobody reads, so nothing is acknowledged: 3 in the replay buffer, 1 taken by the send loop, 2 in the queue.
        var sends = new List<Task>();
        for (int i = 1; i <= 8; i++)
        {
            sends.Add(session.SendAsync(new WsMessage(Seq: i), cts.Token).AsTask());
        }

        await server.WaitUntilAsync(() => server.Path("ws/echo").MessagesReceived == 3, WsTestClient.Limit);
        Assert.Contains(sends, t => !t.IsCompleted);
        Assert.Equal(3, server.Path("ws/echo").MessagesReceived);

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 8, cts.Token); // reading acknowledges, which makes room
        await Task.WhenAll(sends).WaitAsync(cts.Token);
        Assert.Equal(WsTestClient.Range(1, 8), received.Select(m => m.Seq!.Value));
    }
}
