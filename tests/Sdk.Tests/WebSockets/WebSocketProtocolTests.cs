using System.Net.WebSockets;
using System.Text;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

/// <summary>Frames a correct server never sends, written by hand on a raw socket: each ends in a typed error, with no hang and no reconnect.</summary>
public sealed class WebSocketProtocolTests
{
    public static TheoryData<string> Violations => ["reserved bit", "masked server frame", "invalid UTF-8 text", "oversized control frame", "fragmented control frame", "unknown opcode", "continuation without a start"];

    private static byte[] FrameFor(string violation) => violation switch
    {
        "reserved bit" => Frames.Frame(Frames.TextOpcode, "{\"seq\":2}"u8, rsv2: true),
        "masked server frame" => Frames.Frame(Frames.TextOpcode, "{\"seq\":2}"u8, masked: true),
        "invalid UTF-8 text" => Frames.Frame(Frames.TextOpcode, [0x7B, 0xC3, 0x28, 0x7D]),
        "oversized control frame" => Frames.Frame(Frames.PingOpcode, new byte[126]),
        "fragmented control frame" => Frames.Frame(Frames.PingOpcode, "p"u8, fin: false),
        "unknown opcode" => Frames.Frame(0x3, "x"u8),
        _ => Frames.Continue("{\"seq\":2}"),
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Protocol_violation_is_a_typed_error_after_the_messages_before_it(string violation)
    {
        await using RawWsServer server = RawWsServer.Start(Frames.Concat(Frames.Text("{\"seq\":1}"), FrameFor(violation)));
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        (List<WsMessage> received, WebSocketSessionException ex) = await WsTestClient.ReadUntilFailureAsync(session, cts.Token);

        Assert.Equal(WebSocketFailureReason.ProtocolViolation, ex.Reason);
        Assert.Equal(1, Assert.Single(received).Seq);
        Assert.Equal(1, ex.MessagesDelivered);
        Assert.Equal(1, server.Connections); // a broken protocol is not retried
        RawWsConnection connection = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        await connection.ClientGone.WaitAsync(WsTestClient.Limit); // the socket was released
    }

    [Fact]
    public async Task Fragmented_messages_are_reassembled_and_interleaved_pings_answered()
    {
        byte[] script = Frames.Concat(
            Frames.Text("{\"seq\":1,", fin: false),
            Frames.Ping("hb"u8),
            Frames.Continue("\"text\":\"split ", fin: false),
            Frames.Continue("in three\"}"),
            Frames.Binary(Encoding.UTF8.GetBytes("{\"seq\":2}"), fin: false),
            Frames.Continue(""));
        await using RawWsServer server = RawWsServer.Start(script);
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 2, cts.Token);

        Assert.Equal(new WsMessage(Seq: 1, Text: "split in three"), received[0]);
        Assert.Equal(2, received[1].Seq);
        RawWsConnection connection = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        RawWsFrame pong = await connection.WaitForClientFrameAsync(f => f.Opcode == Frames.PongOpcode, WsTestClient.Limit);
        Assert.Equal("hb", pong.Text);
        Assert.True(pong.Masked);
    }

    [Fact]
    public async Task Close_without_status_ends_the_reader_normally()
    {
        await using RawWsServer server = RawWsServer.Start(Frames.Concat(Frames.Text("{\"seq\":1}"), Frames.CloseEmpty()));
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        List<WsMessage> received = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Single(received);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Truncated_frame_then_end_of_stream_is_a_lost_connection()
    {
        byte[] whole = Frames.Text("{\"seq\":2,\"text\":\"never finished\"}");
        await using RawWsServer server = RawWsServer.Start(
            async (connection, ct) =>
            {
                await connection.WriteAsync(Frames.Concat(Frames.Text("{\"seq\":1}"), whole[..10]), ct);
                connection.CloseTcp();
            },
            new RawWsOptions { KeepOpen = false });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.Enabled = false);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        (List<WsMessage> received, WebSocketSessionException ex) = await WsTestClient.ReadUntilFailureAsync(session, cts.Token);

        Assert.Equal(WebSocketFailureReason.ConnectionLost, ex.Reason);
        Assert.Equal(1, Assert.Single(received).Seq);
    }

    [Fact]
    public async Task A_message_that_is_not_the_receive_type_closes_with_1007()
    {
        await using RawWsServer server = RawWsServer.Start(Frames.Concat(Frames.Text("{\"seq\":1}"), Frames.Text("{\"seq\":\"not a number\"}")));
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token));

        Assert.Equal(WebSocketFailureReason.InvalidMessage, ex.Reason);
        Assert.IsType<System.Text.Json.JsonException>(ex.InnerException);
        RawWsConnection connection = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        RawWsFrame close = await connection.WaitForClientCloseAsync(WsTestClient.Limit);
        Assert.Equal((ushort)WebSocketCloseStatus.InvalidPayloadData, close.CloseCode);
    }
}
