using System.Net.WebSockets;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

// What .NET 10's ClientWebSocket does with each protocol violation a server can commit (observed on 10.0.12, pinned
// here). In every case ReceiveAsync throws System.Net.WebSockets.WebSocketException with WebSocketErrorCode = Faulted
// (never ConnectionClosedPrematurely) and the client then sends its own close frame (1002 ProtocolError, or 1007
// InvalidPayloadData for bad UTF-8 in a text message). NativeErrorCode is noise (GetLastPInvokeError), do not use it.
//
//   violation                                  Message                                                                                         State    CloseStatus  client sent
//   RSV1 set (no deflate negotiated)           "The WebSocket received compressed frame when compression is not enabled."                      Aborted  null         1002
//   RSV2 / RSV3 set                            "The WebSocket received a frame with one or more reserved bits set."                            Aborted  null         1002
//   masked server frame                        "The WebSocket server sent a masked frame."                                                     Aborted  null         1002
//   invalid UTF-8 text (whole or fragmented)   "An exception caused the WebSocket to enter the Aborted state. Please see the InnerException…"  Aborted  null         1007  (InnerException null)
//   control frame with 126-byte payload        "The WebSocket received an invalid control message."                                            Aborted  null         1002  (ping, or close with a 124-byte reason)
//   fragmented control frame (FIN=0 ping)      "The WebSocket received an invalid control message."                                            Aborted  null         1002
//   unknown opcode 0x3                         "The WebSocket received a frame with an unknown opcode: '0x3'."                                 Aborted  null         1002
//   continuation with no message started      "The WebSocket received a continuation frame from a previous final message."                   Aborted  null         1002
//   new text frame inside a fragmented message "The WebSocket expected a continuation frame after having received a previous non-final frame." Aborted null       1002
//   close frame: code 1005/999 on the wire,    "An exception caused the WebSocket to enter the Aborted state. Please see the InnerException…"  Closed!  null         1002  (bad UTF-8 reason: InnerException
//     1-byte payload, or invalid UTF-8 reason                                                                                                                          DecoderFallbackException)
//
// Not violations, for contrast: an empty close payload is reported as CloseStatus NormalClosure (1000), not Empty
// (1005); TCP FIN without a close frame and TCP RST both give WebSocketException(ConnectionClosedPrematurely, "The remote
// party closed the WebSocket connection without completing the close handshake."), the RST one with an IOException
// ("Connection reset by peer") inside. After a violation that leaves the state Aborted, the client keeps the TCP
// connection open until the ClientWebSocket is disposed (with the invalid close frames it closes it at once).
public sealed partial class ServerSelfTests
{
    private const string AbortedMessage = "An exception caused the WebSocket to enter the Aborted state. Please see the InnerException, if present, for more details.";
    private const string InvalidControl = "The WebSocket received an invalid control message.";

    public static TheoryData<string, string, ushort> AbortingViolations => new()
    {
        { "rsv1", "The WebSocket received compressed frame when compression is not enabled.", 1002 },
        { "rsv2", "The WebSocket received a frame with one or more reserved bits set.", 1002 },
        { "rsv3", "The WebSocket received a frame with one or more reserved bits set.", 1002 },
        { "masked", "The WebSocket server sent a masked frame.", 1002 },
        { "invalid-utf8", AbortedMessage, 1007 },
        { "invalid-utf8-across-fragments", AbortedMessage, 1007 },
        { "ping-126", InvalidControl, 1002 },
        { "close-126", InvalidControl, 1002 },
        { "fragmented-ping", InvalidControl, 1002 },
        { "opcode-3", "The WebSocket received a frame with an unknown opcode: '0x3'.", 1002 },
        { "continuation-first", "The WebSocket received a continuation frame from a previous final message.", 1002 },
        { "text-inside-fragmented", "The WebSocket expected a continuation frame after having received a previous non-final frame.", 1002 },
    };

    public static TheoryData<string> InvalidCloseFrames => new() { "close-1005", "close-999", "close-1-byte", "close-invalid-utf8" };

    [Fact]
    public async Task Raw_handshake_succeeds_and_crafted_frames_arrive()
    {
        byte[] medium = Encoding.UTF8.GetBytes(new string('m', 200));
        byte[] large = new byte[70_000];
        Random.Shared.NextBytes(large);
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            await connection.WriteAsync(Frames.Text("hello"), ct);
            await connection.WriteAsync(Frames.Frame(Frames.TextOpcode, medium), ct);
            await connection.WriteAsync(Frames.Binary(large), ct);
            await connection.WriteAsync(Frames.Concat(Frames.Text("frag", fin: false), Frames.Ping("p1"u8), Frames.Continue("ment", fin: false), Frames.Continue("ed")), ct);
        });
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri("ws/raw?x=1"), cts.Token, o => o.SetRequestHeader("X-Test", "yes"));

        Assert.Equal("hello", (await ws.ReceiveAsync(cts.Token)).Text);
        Assert.Equal(medium, (await ws.ReceiveAsync(cts.Token)).Payload);
        ClientWsMessage binary = await ws.ReceiveAsync(cts.Token);
        Assert.Equal(WebSocketMessageType.Binary, binary.Type);
        Assert.Equal(large, binary.Payload);
        ClientWsMessage fragmented = await ws.ReceiveAsync(cts.Token);
        Assert.Equal("fragmented", fragmented.Text);
        Assert.True(fragmented.Frames >= 3);

        RawWsConnection connection = await server.WaitForConnectionAsync(0, Bound);
        Assert.Equal("GET /ws/raw?x=1 HTTP/1.1", connection.RequestLine);
        Assert.Equal("yes", connection.Headers["X-Test"]);
        Assert.Equal("websocket", connection.Headers["Upgrade"], ignoreCase: true);
        Assert.True(connection.Headers.ContainsKey("Sec-WebSocket-Key"));
        Assert.Equal(connection.Request, Assert.Single(server.Requests));

        // The client answers a ping (while reading) with a pong carrying the same payload.
        RawWsFrame pong = await connection.WaitForClientFrameAsync(f => f.Opcode == Frames.PongOpcode, Bound);
        Assert.Equal("p1", pong.Text);
        Assert.True(pong.Masked);

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketState.Closed, ws.State);
        RawWsFrame close = await connection.WaitForClientCloseAsync(Bound);
        Assert.Equal((ushort)1000, close.CloseCode);
        Assert.Equal("bye", close.CloseReason);
        await connection.ClientGone.WaitAsync(Bound);
        Assert.Empty(server.ScriptErrors);
    }

    [Fact]
    public void Raw_frames_use_7_16_and_64_bit_lengths()
    {
        Assert.Equal(new byte[] { 0x81, 0x02, (byte)'h', (byte)'i' }, Frames.Text("hi"));
        Assert.Equal(new byte[] { 0x7E, 0x00, 0x7E }, Frames.Frame(Frames.PingOpcode, new byte[126], fin: false)[..4][1..]);
        byte[] large = Frames.Binary(new byte[70_000]);
        Assert.Equal(new byte[] { 0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70 }, large[..10]);
        Assert.Equal(0xC1, Frames.Frame(Frames.TextOpcode, "x"u8, rsv1: true)[0]);
        Assert.Equal(new byte[] { 0x88, 0x05, 0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e' }, Frames.Close(1000, "bye"));
        byte[] masked = Frames.Frame(Frames.TextOpcode, "hi"u8, masked: true);
        Assert.Equal(0x82, masked[1]);
        Assert.Equal((byte)('h' ^ 0x37), masked[6]);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", RawWsHandshake.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Theory]
    [MemberData(nameof(AbortingViolations))]
    public async Task Raw_protocol_violation_makes_ClientWebSocket_fault(string violation, string message, ushort clientCloseCode)
    {
        (Exception error, WebSocketState state, WebSocketCloseStatus? status, RawWsFrame clientClose) = await ViolateAsync(ViolationBytes(violation));

        WebSocketException ex = Assert.IsType<WebSocketException>(error);
        Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        Assert.Equal(message, ex.Message);
        Assert.Null(ex.InnerException);
        Assert.Equal(WebSocketState.Aborted, state);
        Assert.Null(status);
        Assert.Equal(clientCloseCode, clientClose.CloseCode);
        Assert.Equal("", clientClose.CloseReason);
    }

    [Theory]
    [MemberData(nameof(InvalidCloseFrames))]
    public async Task Raw_invalid_close_frame_faults_but_leaves_the_state_Closed(string violation)
    {
        (Exception error, WebSocketState state, WebSocketCloseStatus? status, RawWsFrame clientClose) = await ViolateAsync(ViolationBytes(violation));

        WebSocketException ex = Assert.IsType<WebSocketException>(error);
        Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        Assert.Equal(AbortedMessage, ex.Message);
        if (violation == "close-invalid-utf8")
        {
            Assert.IsType<DecoderFallbackException>(ex.InnerException);
        }
        else
        {
            Assert.Null(ex.InnerException);
        }

        Assert.Equal(WebSocketState.Closed, state);
        Assert.Null(status);
        Assert.Equal((ushort)1002, clientClose.CloseCode);
    }

    [Fact]
    public async Task Raw_empty_close_payload_is_reported_as_NormalClosure()
    {
        await using RawWsServer server = RawWsServer.Start(Frames.CloseEmpty());
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri(), cts.Token);
        Assert.Equal(WebSocketMessageType.Close, (await ws.ReceiveAsync(cts.Token)).Type);
        Assert.Equal(WebSocketState.CloseReceived, ws.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal("", ws.CloseStatusDescription);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Raw_tcp_end_without_close_frame_is_ConnectionClosedPrematurely(bool reset)
    {
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            await connection.WriteAsync(Frames.Text("one"), ct);
            if (reset)
            {
                connection.ResetTcp();
            }
            else
            {
                connection.ShutdownSend();
            }
        });
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri(), cts.Token);
        (List<ClientWsMessage> messages, Exception? error) = await ws.ReceiveAllAsync(cts.Token);

        WebSocketException ex = Assert.IsType<WebSocketException>(error);
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, ex.WebSocketErrorCode);
        Assert.Equal("The remote party closed the WebSocket connection without completing the close handshake.", ex.Message);
        Assert.Equal(WebSocketState.Aborted, ws.State);
        if (reset)
        {
            // The "one" before the RST may or may not be read first; the reset itself surfaces as an IOException inside.
            Assert.IsType<IOException>(ex.InnerException);
        }
        else
        {
            Assert.Equal("one", Assert.Single(messages).Text);
            Assert.Null(ex.InnerException);
        }
    }

    [Fact]
    public async Task Raw_after_a_violation_the_client_keeps_tcp_open_until_disposed()
    {
        await using RawWsServer server = RawWsServer.Start(ViolationBytes("rsv1"));
        using var cts = new CancellationTokenSource(Bound);
        ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri(), cts.Token);
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ReceiveAsync(cts.Token));
        RawWsConnection connection = await server.WaitForConnectionAsync(0, Bound);
        await connection.WaitForClientCloseAsync(Bound);
        Assert.Equal(WebSocketState.Aborted, ws.State);

        // The server answered the close and half-closed; the client still holds its side while undisposed.
        await Assert.ThrowsAsync<TimeoutException>(() => connection.ClientGone.WaitAsync(TimeSpan.FromMilliseconds(300)));
        ws.Dispose();
        await connection.ClientGone.WaitAsync(Bound);
    }

    [Fact]
    public async Task Raw_wrong_accept_value_fails_the_handshake_with_HeaderError()
    {
        await using RawWsServer server = RawWsServer.Start([], new RawWsOptions
        {
            Response = _ => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n",
        });
        using var cts = new CancellationTokenSource(Bound);
        using var ws = new ClientWebSocket();
        WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(server.WebSocketUri(), cts.Token));
        Assert.Equal(WebSocketError.HeaderError, ex.WebSocketErrorCode);
        Assert.Equal("The 'Sec-WebSocket-Accept' header value 'AAAA' is invalid.", ex.Message);
    }

    private static async Task<(Exception Error, WebSocketState State, WebSocketCloseStatus? Status, RawWsFrame ClientClose)> ViolateAsync(byte[] bytes)
    {
        await using RawWsServer server = RawWsServer.Start(bytes);
        using var cts = new CancellationTokenSource(Bound);
        using ClientWebSocket ws = await ClientWs.ConnectAsync(server.WebSocketUri(), cts.Token);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => ws.ReceiveAsync(cts.Token));
        RawWsConnection connection = await server.WaitForConnectionAsync(0, Bound);
        RawWsFrame clientClose = await connection.WaitForClientCloseAsync(Bound);
        return (error, ws.State, ws.CloseStatus, clientClose);
    }

    private static byte[] ViolationBytes(string violation) => violation switch
    {
        "rsv1" => Frames.Frame(Frames.TextOpcode, "hi"u8, rsv1: true),
        "rsv2" => Frames.Frame(Frames.TextOpcode, "hi"u8, rsv2: true),
        "rsv3" => Frames.Frame(Frames.TextOpcode, "hi"u8, rsv3: true),
        "masked" => Frames.Frame(Frames.TextOpcode, "hi"u8, masked: true),
        "invalid-utf8" => Frames.Frame(Frames.TextOpcode, [0x68, 0xC3, 0x28]),
        "invalid-utf8-across-fragments" => Frames.Concat(Frames.Frame(Frames.TextOpcode, [0x68, 0xC3], fin: false), Frames.Continue([0x28])),
        "ping-126" => Frames.Ping(new byte[126]),
        "close-126" => Frames.Close(1000, new string('r', 124)),
        "fragmented-ping" => Frames.Frame(Frames.PingOpcode, "p"u8, fin: false),
        "opcode-3" => Frames.Frame(0x3, "x"u8),
        "continuation-first" => Frames.Continue("x"),
        "text-inside-fragmented" => Frames.Concat(Frames.Text("a", fin: false), Frames.Text("b")),
        "close-1005" => Frames.Close(1005, "x"),
        "close-999" => Frames.Close(999, "x"),
        "close-1-byte" => Frames.Frame(Frames.CloseOpcode, [0x03]),
        "close-invalid-utf8" => Frames.Frame(Frames.CloseOpcode, [0x03, 0xE8, 0xC3, 0x28]),
        _ => throw new ArgumentOutOfRangeException(nameof(violation), violation, null),
    };
}
