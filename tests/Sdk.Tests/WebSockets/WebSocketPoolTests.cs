using System.Collections.Concurrent;
using System.Globalization;
using Sdk.Tests.Infrastructure;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketPoolTests
{
    private static WebSocketPoolOptions<WsMessage, WsMessage> Options(int maxSockets = 2, int perSocket = 50) => new()
    {
        RouteKey = m => m.Op is null ? m.Key : null, // acknowledgements ({"op":"subscribed",...}) belong to no subscription
        Subscribe = (key, last) => new WsMessage(Op: "sub", Key: key, From: last),
        Unsubscribe = key => new WsMessage(Op: "unsub", Key: key),
        SequenceOf = m => m.Seq,
        MaxSockets = maxSockets,
        MaxSubscriptionsPerSocket = perSocket,
    };

    private static WebSocketPool<WsMessage, WsMessage> CreatePool(SdkClient client, string path, WebSocketPoolOptions<WsMessage, WsMessage> options) =>
        client.CreateWebSocketPool(WebSocketRequest.For(path), WsJson.Default.WsMessage, WsJson.Default.WsMessage, options);

    private static async Task<List<long>> ReadSeqAsync(WebSocketSubscription<WsMessage, WsMessage> subscription, int count, CancellationToken cancellationToken)
    {
        var seqs = new List<long>();
        await foreach (WsMessage message in subscription.ReadAllAsync(cancellationToken))
        {
            Assert.Equal(subscription.Key, message.Key); // a subscription sees only its own messages
            seqs.Add(message.Seq!.Value);
            if (seqs.Count == count)
            {
                break;
            }
        }

        return seqs;
    }

    [Fact]
    public async Task Hundred_subscriptions_share_at_most_two_sockets_and_each_sees_only_its_messages()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketPool<WsMessage, WsMessage> pool = CreatePool(client, "ws/subs?count=20", Options());

        WebSocketSubscription<WsMessage, WsMessage>[] subscriptions = await Task.WhenAll(
            Enumerable.Range(0, 100).Select(i => pool.SubscribeAsync($"k{i.ToString(CultureInfo.InvariantCulture)}", cts.Token)));
        List<long>[] received = await Task.WhenAll(subscriptions.Select(s => ReadSeqAsync(s, 20, cts.Token)));

        Assert.All(received, seqs => Assert.Equal(WsTestClient.Range(1, 20), seqs));
        Assert.Equal(2, pool.SocketCount);
        Assert.Equal(100, pool.SubscriptionCount);
        Assert.Equal(2, server.Subs.MaxOpen);
        Assert.Equal(2, server.Path("ws/subs").Connections);
        Assert.All(server.Subs.ActiveKeys.Values, keys => Assert.Equal(50, keys.Count));
        foreach (WebSocketSubscription<WsMessage, WsMessage> subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        Assert.Equal(0, pool.SubscriptionCount);
        await server.WaitUntilAsync(() => server.Subs.AllActiveKeys.Count == 0, WsTestClient.Limit); // every unsub arrived
    }

    [Fact]
    public async Task A_socket_closes_after_the_idle_delay_once_its_last_subscription_ended_and_is_reused_before()
    {
        var time = new ManualTimeProvider();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.TimeProvider = time);
        WebSocketPoolOptions<WsMessage, WsMessage> options = Options();
        options.IdleCloseDelay = TimeSpan.FromSeconds(30);
        await using WebSocketPool<WsMessage, WsMessage> pool = CreatePool(client, "ws/subs?count=3", options);

        WebSocketSubscription<WsMessage, WsMessage> first = await pool.SubscribeAsync("a", cts.Token);
        Assert.Equal([1L, 2L, 3L], await ReadSeqAsync(first, 3, cts.Token));
        await first.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(29));

        await using WebSocketSubscription<WsMessage, WsMessage> second = await pool.SubscribeAsync("b", cts.Token); // reuses the socket
        Assert.Equal([1L, 2L, 3L], await ReadSeqAsync(second, 3, cts.Token));
        Assert.Equal(1, server.Path("ws/subs").Connections);
        await second.DisposeAsync();

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, server.Subs.Open);
        time.Advance(TimeSpan.FromSeconds(1));
        await server.WaitUntilAsync(() => server.Subs.Open == 0, WsTestClient.Limit);
        Assert.Equal(0, pool.SocketCount);
        Assert.Equal(["sub a", "unsub a", "sub b", "unsub b"], server.Subs.Ops.Select(o => $"{o.Op} {o.Key}"));
    }

    [Fact]
    public async Task A_killed_socket_reconnects_and_resubscribes_from_each_subscriptions_last_sequence()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketPool<WsMessage, WsMessage> pool = CreatePool(client, "ws/subs?count=40&intervalMs=1&killAfterList=25", Options(maxSockets: 1));

        WebSocketSubscription<WsMessage, WsMessage>[] subscriptions = await Task.WhenAll(new[] { "x", "y", "z" }.Select(k => pool.SubscribeAsync(k, cts.Token)));
        List<long>[] received = await Task.WhenAll(subscriptions.Select(s => ReadSeqAsync(s, 40, cts.Token)));

        Assert.All(received, seqs => Assert.Equal(WsTestClient.Range(1, 40), seqs));
        Assert.Equal(2, server.Path("ws/subs").Connections);
        WsSubOp[] resubscribed = [.. server.Subs.Ops.Where(o => o.Connection == 1)];
        Assert.Equal(3, resubscribed.Length);
        Assert.All(resubscribed, o => Assert.True(o.From > 0, $"{o.Key} resubscribed from {o.From}"));
        Assert.All(subscriptions, s => Assert.Equal(40, s.LastSequence));
    }

    [Fact]
    public async Task Unrouted_messages_go_to_the_handler_and_a_duplicate_key_is_refused()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var unrouted = new ConcurrentQueue<WsMessage>();
        WebSocketPoolOptions<WsMessage, WsMessage> options = Options();
        options.OnUnrouted = unrouted.Enqueue;
        await using WebSocketPool<WsMessage, WsMessage> pool = CreatePool(client, "ws/subs?count=2&ack=1", options);

        await using WebSocketSubscription<WsMessage, WsMessage> subscription = await pool.SubscribeAsync("a", cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.SubscribeAsync("a", cts.Token));
        Assert.Equal([1L, 2L], await ReadSeqAsync(subscription, 2, cts.Token));

        WsMessage ack = Assert.Single(unrouted);
        Assert.Equal(new WsMessage(Op: "subscribed", Key: "a"), ack);
    }

    [Fact]
    public async Task A_socket_that_fails_for_good_ends_its_subscriptions_with_the_failure()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.Enabled = false);
        await using WebSocketPool<WsMessage, WsMessage> pool = CreatePool(client, "ws/subs?count=100&intervalMs=1&killAfter=5", Options(maxSockets: 1));

        await using WebSocketSubscription<WsMessage, WsMessage> subscription = await pool.SubscribeAsync("a", cts.Token);
        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => ReadSeqAsync(subscription, 100, cts.Token));

        Assert.Equal(WebSocketFailureReason.ConnectionLost, ex.Reason);
        Assert.Equal(0, pool.SocketCount);
        await using WebSocketSubscription<WsMessage, WsMessage> again = await pool.SubscribeAsync("b", cts.Token); // a new socket
        await server.WaitUntilAsync(() => server.Path("ws/subs").Connections == 2, WsTestClient.Limit);
    }

    [Fact]
    public void Pool_options_are_validated()
    {
        using SdkClient client = WsTestClient.Create(new Uri("http://127.0.0.1:1/"));
        var options = new WebSocketPoolOptions<WsMessage, WsMessage> { MaxSockets = 0 };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => CreatePool(client, "ws/subs", options));
        Assert.Contains("RouteKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxSockets", ex.Message, StringComparison.Ordinal);
    }
}
