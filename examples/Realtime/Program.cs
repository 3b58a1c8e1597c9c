using System.Globalization;
using RealtimeExample;
using Sdk;
using Sdk.WebSockets;

// dotnet run --project examples/Realtime: a typed, resilient WebSocket session and a pool of multiplexed subscriptions
// against an embedded gateway (no network needed).
using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
await using RealtimeServer server = await RealtimeServer.StartAsync(cancel.Token);
await using SdkClient client = SdkClient.Create(new ClientOptions
{
    BaseAddress = server.BaseAddress,
    Credential = ApiCredential.Bearer("demo-key"), // sent on every handshake by the authentication plugin
});

// 1. One session: subscribe on every (re)connection from the last tick delivered, heartbeat, chat.
var options = new WebSocketSessionOptions<ClientEvent, ServerEvent>
{
    OnConnected = (context, ct) =>
    {
        Console.WriteLine(context.IsReconnect
            ? $"  reconnected (#{context.Reconnects}); resuming the ticker after tick {context.LastSequence}"
            : "  connected; subscribing to the ticker");
        return context.SendAsync(new ClientEvent("subscribe", "ticker", From: context.LastSequence), ct);
    },
    SequenceOf = e => e.Type == "tick" ? e.Seq : null,
    Heartbeat = () => new ClientEvent("ping"),
    HeartbeatInterval = TimeSpan.FromMilliseconds(100),
    HeartbeatTimeout = TimeSpan.FromMilliseconds(50),
    IsHeartbeatReply = e => e.Type == "pong",
};

Console.WriteLine("Session:");
var ticks = new List<long>();
await using (WebSocketSession<ClientEvent, ServerEvent> session = await client.ConnectAsync(
    WebSocketRequest.For("realtime"), RealtimeJson.Default.ClientEvent, RealtimeJson.Default.ServerEvent, options, cancel.Token))
{
    await session.SendAsync(new ClientEvent("say", Text: "hello, gateway"), cancel.Token);
    await foreach (ServerEvent e in session.ReadAllAsync(cancel.Token))
    {
        if (e.Type == "said")
        {
            Console.WriteLine($"  the gateway echoed: {e.Text}");
        }
        else if (e.Type == "tick")
        {
            ticks.Add(e.Seq!.Value);
            if (e.Seq == RealtimeServer.Ticks)
            {
                break;
            }
        }
    }

    bool inOrder = ticks.SequenceEqual(Enumerable.Range(1, RealtimeServer.Ticks).Select(i => (long)i));
    Console.WriteLine($"  {ticks.Count} ticks, {(inOrder ? "every one once, in order" : "NOT in order: " + string.Join(',', ticks))}; reconnects: {session.Reconnects}; sent {session.MessagesSent} messages (heartbeats included)");
    if (!inOrder || session.Reconnects < 1)
    {
        return 1;
    }
}

// 2. A pool: 10 channels multiplexed over at most 2 sockets, each subscription seeing only its own ticks.
Console.WriteLine("Pool:");
await using WebSocketPool<ClientEvent, ServerEvent> pool = client.CreateWebSocketPool(
    WebSocketRequest.For("realtime"),
    RealtimeJson.Default.ClientEvent,
    RealtimeJson.Default.ServerEvent,
    new WebSocketPoolOptions<ClientEvent, ServerEvent>
    {
        RouteKey = e => e.Type == "tick" ? e.Channel : null,
        Subscribe = (channel, last) => new ClientEvent("subscribe", channel, From: last),
        SequenceOf = e => e.Seq,
        MaxSockets = 2,
        MaxSubscriptionsPerSocket = 5,
    });

string[] channels = [.. Enumerable.Range(1, 10).Select(i => "fx-" + i.ToString("00", CultureInfo.InvariantCulture))];
WebSocketSubscription<ClientEvent, ServerEvent>[] subscriptions = await Task.WhenAll(channels.Select(c => pool.SubscribeAsync(c, cancel.Token)));
int[] counts = await Task.WhenAll(subscriptions.Select(async subscription =>
{
    int count = 0;
    await foreach (ServerEvent e in subscription.ReadAllAsync(cancel.Token))
    {
        if (e.Channel != subscription.Key)
        {
            throw new InvalidOperationException($"{subscription.Key} saw a tick of {e.Channel}");
        }

        if (++count == RealtimeServer.Ticks)
        {
            break;
        }
    }

    return count;
}));
Console.WriteLine($"  {subscriptions.Length} subscriptions over {pool.SocketCount} sockets; ticks per subscription: {string.Join(' ', counts)}");
foreach (WebSocketSubscription<ClientEvent, ServerEvent> subscription in subscriptions)
{
    await subscription.DisposeAsync();
}

Console.WriteLine($"The gateway saw {server.Connections} connections in all.");
return counts.All(c => c == RealtimeServer.Ticks) && pool.SocketCount <= 2 ? 0 : 1;
