using System.Globalization;
using System.Net.WebSockets;
using Sdk.Plugins;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

/// <summary>Against the Node.js <c>ws</c> package: a server this project did not write (skipped, with the reason, without node).</summary>
public sealed class WebSocketNodeInteropTests
{
    [NodeFact]
    public async Task Echo_of_text_and_binary_messages()
    {
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using NodeWsServer server = await NodeWsServer.StartAsync(cts.Token);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<byte[], byte[]> session = await client.ConnectAsync(WebSocketRequest.For("ws/echo"), WebSocketCodec.Binary, WebSocketCodec.Binary, cancellationToken: cts.Token);

        byte[] binary = [.. Enumerable.Range(0, 300_000).Select(i => (byte)i)];
        await session.SendAsync(binary, cts.Token);
        await session.SendRawAsync("{\"seq\":1}"u8.ToArray(), WebSocketMessageType.Text, cts.Token);
        var received = new List<WebSocketMessage<byte[]>>();
        await foreach (WebSocketMessage<byte[]> message in session.ReadMessagesAsync(cts.Token))
        {
            received.Add(message);
            if (received.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(WebSocketMessageType.Binary, received[0].MessageType);
        Assert.Equal(binary, received[0].Value);
        Assert.Equal(WebSocketMessageType.Text, received[1].MessageType);
        Assert.Equal("{\"seq\":1}"u8.ToArray(), received[1].Value);
    }

    [NodeFact]
    public async Task Fragmented_messages_are_reassembled()
    {
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using NodeWsServer server = await NodeWsServer.StartAsync(cts.Token);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/fragmented?parts=5&count=3", cancellationToken: cts.Token);

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 3, cts.Token);

        Assert.Equal([1L, 2L, 3L], received.Select(m => m.Seq!.Value));
        Assert.All(received, m => Assert.Equal("part0-part1-part2-part3-part4", m.Text));
    }

    [NodeFact]
    public async Task Killed_sockets_resume_from_a_cursor_in_the_handshake_query_with_nothing_lost_or_duplicated()
    {
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using NodeWsServer server = await NodeWsServer.StartAsync(cts.Token);
        WebSocketSession<WsMessage, WsMessage>? session = null;

        // An attempt hook puts the cursor into each handshake's query: the server continues after the last delivered message.
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .OnRequest(
                (context, _) =>
                {
                    long from = session?.LastSequence ?? 0;
                    context.Message!.RequestUri = new Uri(context.Message.RequestUri!, $"?count=100&killAfter=7&from={from.ToString(CultureInfo.InvariantCulture)}");
                    return ValueTask.CompletedTask;
                },
                HookScope.Attempt)
            .Build();
        session = await WsTestClient.ConnectAsync(client, "ws/seq", new WebSocketSessionOptions<WsMessage, WsMessage> { SequenceOf = m => m.Seq }, cts.Token);
        await using WebSocketSession<WsMessage, WsMessage> owned = session;

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Equal(WsTestClient.Range(1, 100), messages.Select(m => m.Seq!.Value));
        Assert.True(session.Reconnects >= 14, $"reconnects: {session.Reconnects}");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.Equal("done", session.CloseStatusDescription);
    }

    [NodeFact]
    public async Task Server_close_codes_are_surfaced()
    {
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using NodeWsServer server = await NodeWsServer.StartAsync(cts.Token);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);

        await using (WebSocketSession<WsMessage, WsMessage> normal = await WsTestClient.ConnectAsync(client, "ws/close?code=1000&reason=fin&after=2", cancellationToken: cts.Token))
        {
            Assert.Equal(2, (await WsTestClient.ReadToEndAsync(normal, cts.Token)).Count);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, normal.CloseStatus);
            Assert.Equal("fin", normal.CloseStatusDescription);
        }

        await using WebSocketSession<WsMessage, WsMessage> policy = await WsTestClient.ConnectAsync(client, "ws/close?code=4003&reason=quota&after=1", cancellationToken: cts.Token);
        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(policy, cts.Token));
        Assert.Equal(WebSocketFailureReason.ClosedByServer, ex.Reason);
        Assert.Equal((WebSocketCloseStatus)4003, ex.CloseStatus);
        Assert.Equal("quota", ex.CloseDescription);
        Assert.Equal(1, ex.MessagesDelivered);
    }

    [NodeFact]
    public async Task Server_pings_are_answered_while_reading()
    {
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using NodeWsServer server = await NodeWsServer.StartAsync(cts.Token);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<string, string> session = await client.ConnectAsync(WebSocketRequest.For("ws/ping?intervalMs=20&reportPongs=3"), WebSocketCodec.Text, WebSocketCodec.Text, cancellationToken: cts.Token);

        Assert.Equal("{\"pongs\":3}", await session.ReceiveAsync(cts.Token));
        Assert.True((await server.GetStatsAsync(cts.Token)).Pongs >= 3);
    }
}
