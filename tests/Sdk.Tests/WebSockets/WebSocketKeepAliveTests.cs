using System.Diagnostics;
using Sdk.Tests.Infrastructure;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketKeepAliveTests
{
    [Fact]
    public async Task A_silent_peer_is_detected_by_the_keep_alive_timeout()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.WebSockets.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            o.WebSockets.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
            o.WebSockets.Reconnect.Enabled = false;
        });
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/silent", cancellationToken: cts.Token);
        var clock = Stopwatch.StartNew();

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token));

        Assert.Equal(WebSocketFailureReason.KeepAliveTimeout, ex.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"detected after {clock.Elapsed}");
        await server.WaitUntilAsync(() => server.Path("ws/silent").Open == 0, WsTestClient.Limit);
    }

    [Fact]
    public async Task A_silent_peer_is_reconnected_when_reconnects_are_on()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.WebSockets.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            o.WebSockets.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
            o.WebSockets.Reconnect.MaxAttempts = 2;
        });
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/silent", cancellationToken: cts.Token);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token));

        Assert.Equal(WebSocketFailureReason.KeepAliveTimeout, ex.Reason);
        Assert.Equal(2, session.Reconnects);
        Assert.Equal(3, server.Path("ws/silent").Connections);
    }

    [Fact]
    public async Task Receive_idle_timeout_runs_on_the_time_provider_only_while_a_reader_waits()
    {
        var time = new ManualTimeProvider();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.TimeProvider = time;
            o.WebSockets.ReceiveIdleTimeout = TimeSpan.FromSeconds(30);
            o.WebSockets.Reconnect.Enabled = false;
        });
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/silent", cancellationToken: cts.Token);

        time.Advance(TimeSpan.FromMinutes(5)); // nobody reads yet: no stall
        Assert.True(session.IsOpen);

        await using IAsyncEnumerator<WsMessage> reader = session.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = reader.MoveNextAsync(); // waiting from now
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => next.AsTask().WaitAsync(cts.Token));
        Assert.Equal(WebSocketFailureReason.IdleTimeout, ex.Reason);
        Assert.Contains("30 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_is_sent_every_interval_and_its_replies_are_not_delivered()
    {
        var time = new ManualTimeProvider();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.TimeProvider = time);
        var replies = new List<TaskCompletionSource>();
        for (int i = 0; i < 3; i++)
        {
            replies.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        int replyCount = 0;
        var options = new WebSocketSessionOptions<WsMessage, WsMessage>
        {
            Heartbeat = () => new WsMessage(Op: "ping"),
            HeartbeatInterval = TimeSpan.FromSeconds(30),
            HeartbeatTimeout = TimeSpan.FromSeconds(10),
            IsHeartbeatReply = m =>
            {
                if (m.Op != "ping")
                {
                    return false;
                }

                replies[Math.Min(Interlocked.Increment(ref replyCount), 3) - 1].TrySetResult();
                return true;
            },
        };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", options, cts.Token);
        Task<List<WsMessage>> reading = WsTestClient.ReadAsync(session, 1, cts.Token);

        time.Advance(TimeSpan.FromSeconds(29)); // before the interval: nothing
        Assert.Equal(0, session.MessagesSent);
        time.Advance(TimeSpan.FromSeconds(1));
        for (int beat = 0; beat < 3; beat++)
        {
            // A heartbeat went out at the interval; its reply comes in; then its timeout passes: alive.
            await replies[beat].Task.WaitAsync(cts.Token);
            time.Advance(TimeSpan.FromSeconds(10));
            time.Advance(TimeSpan.FromSeconds(20)); // the next interval (counted from the previous heartbeat)
        }

        await server.WaitUntilAsync(() => server.Path("ws/echo").MessagesReceived == 4, WsTestClient.Limit); // the fourth is in flight
        Assert.True(session.IsOpen);
        Assert.Equal(0, session.Reconnects);
        await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
        Assert.Equal(1, Assert.Single(await reading).Seq); // the replies were not delivered
    }

    [Fact]
    public async Task Heartbeat_without_a_reply_within_its_timeout_fails_the_connection()
    {
        var time = new ManualTimeProvider();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.TimeProvider = time;
            o.WebSockets.Reconnect.Enabled = false;
        });
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { Heartbeat = () => new WsMessage(Op: "ping"), HeartbeatInterval = TimeSpan.FromSeconds(30), HeartbeatTimeout = TimeSpan.FromSeconds(10) };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/silent", options, cts.Token);
        Task<List<WsMessage>> reading = WsTestClient.ReadToEndAsync(session, cts.Token);

        time.Advance(TimeSpan.FromSeconds(30)); // the heartbeat is queued; the silent server never answers
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(reading.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => reading.WaitAsync(cts.Token));
        Assert.Equal(WebSocketFailureReason.HeartbeatTimeout, ex.Reason);
    }
}
