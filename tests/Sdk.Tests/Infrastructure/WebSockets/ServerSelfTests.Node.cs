using System.Net.WebSockets;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

public sealed partial class ServerSelfTests
{
    [NodeFact]
    public async Task Node_echo_round_trips_text_and_binary()
    {
        await using NodeWsServer server = await NodeWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/echo"), cts.Token);

        await ws.SendTextAsync("{\"seq\":1,\"text\":\"héllo\"}", cts.Token);
        ClientWsMessage text = await ws.ReceiveAsync(cts.Token);
        await ws.SendAsync(new byte[] { 9, 8, 7 }, WebSocketMessageType.Binary, true, cts.Token);
        ClientWsMessage binary = await ws.ReceiveAsync(cts.Token);

        Assert.Equal(WebSocketMessageType.Text, text.Type);
        Assert.Equal("{\"seq\":1,\"text\":\"héllo\"}", text.Text);
        Assert.Equal(WebSocketMessageType.Binary, binary.Type);
        Assert.Equal(new byte[] { 9, 8, 7 }, binary.Payload);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketState.Closed, ws.State);
        Assert.Equal(1, (await server.GetStatsAsync(cts.Token)).Connections);
    }

    [NodeFact]
    public async Task Node_fragmented_message_is_reassembled()
    {
        await using NodeWsServer server = await NodeWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/fragmented?parts=4&count=2"), cts.Token);

        for (int n = 1; n <= 2; n++)
        {
            ClientWsMessage message = await ws.ReceiveAsync(cts.Token);
            Assert.Equal(WebSocketMessageType.Text, message.Type);
            Assert.True(message.Frames >= 4, $"{message.Frames} receives");
            JsonElement root = JsonDocument.Parse(message.Payload).RootElement;
            Assert.Equal(n, root.GetProperty("seq").GetInt32());
            Assert.Equal("part0-part1-part2-part3", root.GetProperty("text").GetString());
        }
    }

    [NodeFact]
    public async Task Node_seq_with_killAfter_ends_after_exactly_K_then_resumes()
    {
        await using NodeWsServer server = await NodeWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using (ClientWebSocket first = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq?count=6&killAfter=4"), cts.Token))
        {
            (List<ClientWsMessage> messages, Exception? error) = await first.ReceiveAllAsync(cts.Token);
            Assert.Equal([1L, 2L, 3L, 4L], messages.Select(Seq));
            Assert.Equal(WebSocketError.ConnectionClosedPrematurely, Assert.IsType<WebSocketException>(error).WebSocketErrorCode);
        }

        using ClientWebSocket second = await ClientWs.ConnectAsync(server.WebSocketUri("ws/seq?count=6&from=4"), cts.Token);
        (List<ClientWsMessage> rest, Exception? end) = await second.ReceiveAllAsync(cts.Token);
        Assert.Null(end);
        Assert.Equal([5L, 6L], rest.Select(Seq));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, second.CloseStatus);
        Assert.Equal("done", second.CloseStatusDescription);
    }

    [NodeFact]
    public async Task Node_close_delivers_the_status_and_reason()
    {
        await using NodeWsServer server = await NodeWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/close?code=4002&reason=node%20says%20bye&after=1"), cts.Token);
        (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);
        Assert.Null(error);
        Assert.Equal([1L], messages.Select(Seq));
        Assert.Equal((WebSocketCloseStatus)4002, ws.CloseStatus);
        Assert.Equal("node says bye", ws.CloseStatusDescription);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    [NodeFact]
    public async Task Node_ping_is_answered_by_a_reading_client()
    {
        await using NodeWsServer server = await NodeWsServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/ping?intervalMs=20&reportPongs=3"), cts.Token);
        ClientWsMessage report = await ws.ReceiveAsync(cts.Token);
        Assert.Equal(3, JsonDocument.Parse(report.Payload).RootElement.GetProperty("pongs").GetInt32());
        NodeWsStats stats = await server.GetStatsAsync(cts.Token);
        Assert.True(stats.Pongs >= 3 && stats.Pings >= stats.Pongs, stats.ToString());
    }
}
