using System.Net;
using System.Net.WebSockets;
using System.Text;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketSessionTests
{
    [Fact]
    public async Task Typed_messages_round_trip_in_order()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token);

        for (int i = 1; i <= 50; i++)
        {
            await session.SendAsync(new WsMessage(Seq: i, Text: $"m{i}"), cts.Token);
        }

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 50, cts.Token);
        Assert.Equal(WsTestClient.Range(1, 50), received.Select(m => m.Seq!.Value));
        Assert.All(received, m => Assert.Equal($"m{m.Seq}", m.Text));
        Assert.Equal(50, session.MessagesReceived);
        Assert.Equal(50, session.MessagesSent);
        Assert.Equal(0, session.Reconnects);
    }

    [Fact]
    public async Task Raw_messages_carry_type_bytes_and_sequence()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<byte[], byte[]> session = await client.ConnectAsync(WebSocketRequest.For("ws/echo"), WebSocketCodec.Binary, WebSocketCodec.Binary, cancellationToken: cts.Token);

        byte[] payload = [0, 1, 2, 255, 254];
        await session.SendAsync(payload, cts.Token);
        await session.SendRawAsync(Encoding.UTF8.GetBytes("{\"seq\":7}"), WebSocketMessageType.Text, cts.Token);

        var messages = new List<(WebSocketMessageType Type, byte[] Data)>();
        await foreach (WebSocketMessage<byte[]> message in session.ReadMessagesAsync(cts.Token))
        {
            messages.Add((message.MessageType, message.Data.ToArray()));
            if (messages.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(WebSocketMessageType.Binary, messages[0].Type);
        Assert.Equal(payload, messages[0].Data);
        Assert.Equal(WebSocketMessageType.Text, messages[1].Type);
        Assert.Equal("{\"seq\":7}", Encoding.UTF8.GetString(messages[1].Data));
    }

    [Fact]
    public async Task Text_codec_and_ReceiveAsync_read_one_reply()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<string, string> session = await client.ConnectAsync(WebSocketRequest.For("ws/echo"), WebSocketCodec.Text, WebSocketCodec.Text, cancellationToken: cts.Token);

        await session.SendAsync("héllo wörld", cts.Token);
        Assert.Equal("héllo wörld", await session.ReceiveAsync(cts.Token));
        await session.SendAsync("second", cts.Token);
        Assert.Equal("second", await session.ReceiveAsync(cts.Token));
    }

    [Fact]
    public async Task Handshake_carries_query_headers_subprotocol_user_agent_request_id_and_credential()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.Credential = ApiCredential.Bearer("sk-ws-secret"));
        WebSocketRequest request = WebSocketRequest.For("ws/echo").WithQuery("model", "m 1").WithHeader("X-Tenant", "a").WithSubProtocol("realtime.v1").WithSubProtocol("realtime.v0");
        await using WebSocketSession<WsMessage, WsMessage> session = await client.ConnectAsync(request, WsJson.Default.WsMessage, WsJson.Default.WsMessage, cancellationToken: cts.Token);

        WsHandshake handshake = Assert.Single(server.Handshakes);
        Assert.Equal("?model=m%201", handshake.Query);
        Assert.Equal("Bearer sk-ws-secret", handshake.Header("Authorization"));
        Assert.Equal("a", handshake.Header("X-Tenant"));
        Assert.StartsWith("Sdk/", handshake.Header("User-Agent"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(handshake.Header("X-Client-Request-Id")));
        Assert.Equal(["realtime.v1", "realtime.v0"], handshake.SubProtocols);
        Assert.Equal("realtime.v1", session.SubProtocol);
        Assert.Equal("realtime.v1", request.SubProtocols[0]);
    }

    [Fact]
    public async Task Refused_handshake_is_an_ApiException_with_status_and_is_not_retried_for_a_client_error()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => WsTestClient.ConnectAsync(client, "ws/status?code=403", cancellationToken: cts.Token));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal(1, server.Path("ws/status").Requests);
    }

    [Fact]
    public async Task Handshake_503_is_retried_then_the_session_opens()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);

        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/flaky?fail=2&code=503", cancellationToken: cts.Token);
        await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
        Assert.Equal(1, (await session.ReceiveAsync(cts.Token)).Seq);
        Assert.Equal(3, server.Path("ws/flaky").Requests);
    }

    [Fact]
    public async Task Handshake_503_past_the_retries_is_an_ApiException_after_every_attempt()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.Retry.MaxRetries = 2);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => WsTestClient.ConnectAsync(client, "ws/status?code=503", cancellationToken: cts.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(3, server.Path("ws/status").Requests);
    }

    [Fact]
    public async Task Unreachable_server_is_a_TransportException()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(new Uri($"http://127.0.0.1:{port}/"), o => o.Retry.MaxRetries = 1);

        await Assert.ThrowsAsync<TransportException>(() => WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Subprotocol_the_client_did_not_offer_fails_the_handshake_as_a_protocol_violation()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() =>
            client.ConnectAsync(WebSocketRequest.For("ws/echo?protocol=other").WithSubProtocol("p1"), WsJson.Default.WsMessage, WsJson.Default.WsMessage, cancellationToken: cts.Token));
        Assert.Equal(WebSocketFailureReason.ProtocolViolation, ex.Reason);
        Assert.Equal(1, server.Path("ws/echo").Requests);
    }

    [Fact]
    public async Task Server_normal_close_ends_the_reader_with_the_status()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/close?code=1000&reason=bye&after=3", cancellationToken: cts.Token);

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.Seq!.Value));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.Equal("bye", session.CloseStatusDescription);
        Assert.False(session.IsOpen);
        WebSocketSessionException closed = await Assert.ThrowsAsync<WebSocketSessionException>(() => session.SendAsync(new WsMessage(Seq: 9), cts.Token).AsTask());
        Assert.Equal(WebSocketFailureReason.SessionClosed, closed.Reason);
        Assert.Equal(0, session.Reconnects);
    }

    [Theory]
    [InlineData(1008, "policy")]
    [InlineData(1003, "unsupported")]
    [InlineData(4001, "app specific")]
    public async Task Server_close_that_calls_for_no_reconnect_surfaces_status_and_reason(int code, string reason)
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, $"ws/close?code={code}&reason={Uri.EscapeDataString(reason)}&after=2", cancellationToken: cts.Token);

        (List<WsMessage> received, WebSocketSessionException ex) = await WsTestClient.ReadUntilFailureAsync(session, cts.Token);
        Assert.Equal(WebSocketFailureReason.ClosedByServer, ex.Reason);
        Assert.Equal((WebSocketCloseStatus)code, ex.CloseStatus);
        Assert.Equal(reason, ex.CloseDescription);
        Assert.Equal(2, ex.MessagesDelivered);
        Assert.Equal(2, received.Count);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Path("ws/close").Connections);
    }

    [Fact]
    public async Task Client_close_completes_the_handshake_and_the_server_sees_the_status()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token);
        for (int i = 1; i <= 5; i++)
        {
            await session.SendAsync(new WsMessage(Seq: i), cts.Token);
        }

        await session.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "leaving", cts.Token);
        await session.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, session.CloseStatus);
        await server.WaitUntilAsync(() => server.Path("ws/echo").Open == 0, WsTestClient.Limit);
        Assert.Equal(5, server.Path("ws/echo").MessagesReceived); // the queued messages went out before the close
        Assert.Empty(server.HandlerErrors);
    }

    [Fact]
    public async Task Dispose_while_reading_ends_the_reader()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token);
        Task<List<WsMessage>> reading = WsTestClient.ReadToEndAsync(session, cts.Token);
        await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
        await server.WaitUntilAsync(() => server.Path("ws/echo").MessagesSent == 1, WsTestClient.Limit);

        await session.DisposeAsync();
        List<WsMessage> read = await reading.WaitAsync(cts.Token);
        Assert.Single(read);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }

    [Fact]
    public async Task A_second_concurrent_reader_is_refused()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token);
        ValueTask<WsMessage> first = session.ReceiveAsync(cts.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ReceiveAsync(cts.Token).AsTask());
        await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
        Assert.Equal(1, (await first).Seq);
    }

    [Fact]
    public async Task Invalid_options_fail_before_connecting()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { Heartbeat = () => new WsMessage(Op: "ping"), HeartbeatInterval = TimeSpan.FromSeconds(1), HeartbeatTimeout = TimeSpan.FromSeconds(2), ReplayCapacity = 0 };

        ArgumentException ex = await Assert.ThrowsAsync<ArgumentException>(() => WsTestClient.ConnectAsync(client, "ws/echo", options));
        Assert.Contains("HeartbeatTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ReplayCapacity", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public void Invalid_client_websocket_options_fail_Build_with_every_problem()
    {
        var options = new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:1/") };
        options.WebSockets.MaxMessageBytes = 0;
        options.WebSockets.SendQueueCapacity = 0;
        options.WebSockets.Reconnect.BaseDelay = TimeSpan.FromSeconds(5);
        options.WebSockets.Reconnect.MaxDelay = TimeSpan.FromSeconds(1);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => SdkClient.Create(options));
        Assert.Contains("WebSockets.MaxMessageBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WebSockets.SendQueueCapacity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WebSockets.Reconnect.BaseDelay", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_memory_transport_refuses_websockets()
    {
        var transport = new Sdk.Transport.InMemoryTransport();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:1/") }).UseTransport(transport).Build();

        await Assert.ThrowsAsync<NotSupportedException>(() => WsTestClient.ConnectAsync(client, "ws/echo"));
    }
}
