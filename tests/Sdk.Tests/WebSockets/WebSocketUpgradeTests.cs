using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

/// <summary>The SDK's own HTTP/1.1 upgrade (<see cref="WebSocketUpgrade"/>) against a raw server that shows the request and answers what the test says.</summary>
public sealed class WebSocketUpgradeTests
{
    [Fact]
    public async Task The_upgrade_request_is_an_RFC_6455_handshake_with_the_client_headers()
    {
        await using RawWsServer server = RawWsServer.Start(Frames.Text("{\"seq\":1}"), new RawWsOptions { SubProtocol = "p2" });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.Credential = ApiCredential.Bearer("sk-upgrade");
            o.DefaultHeaders["X-Tenant"] = "t1";
        });
        await using WebSocketSession<WsMessage, WsMessage> session = await client.ConnectAsync(
            WebSocketRequest.For("ws/feed?x=1").WithSubProtocol("p1").WithSubProtocol("p2"), WsJson.Default.WsMessage, WsJson.Default.WsMessage, cancellationToken: cts.Token);

        Assert.Equal(1, (await WsTestClient.ReadAsync(session, 1, cts.Token))[0].Seq);
        Assert.Equal("p2", session.SubProtocol);
        RawWsConnection wire = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        Assert.Equal("GET /ws/feed?x=1 HTTP/1.1", wire.RequestLine);
        IReadOnlyDictionary<string, string> headers = wire.Headers;
        Assert.Equal("websocket", headers["Upgrade"]);
        Assert.Contains("Upgrade", headers["Connection"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("13", headers["Sec-WebSocket-Version"]);
        Assert.Equal(16, Convert.FromBase64String(headers["Sec-WebSocket-Key"]).Length);
        Assert.Equal("p1, p2", headers["Sec-WebSocket-Protocol"]);
        Assert.Equal("Bearer sk-upgrade", headers["Authorization"]);
        Assert.Equal("t1", headers["X-Tenant"]);
        Assert.Equal($"127.0.0.1:{server.BaseAddress.Port}", headers["Host"]);
    }

    [Fact]
    public async Task Wss_goes_through_the_client_handler_and_its_TLS_settings()
    {
        using X509Certificate2 certificate = SelfSignedLoopbackCertificate();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync(certificate: certificate);
        Assert.Equal("https", server.BaseAddress.Scheme);
        using var cts = new CancellationTokenSource(WsTestClient.Limit);

        // The default handler does not trust the certificate: the handshake fails as a connection failure, not retried.
        await using (SdkClient untrusting = WsTestClient.Create(server.BaseAddress, o => o.Retry.MaxRetries = 0))
        {
            await Assert.ThrowsAsync<TransportException>(() => WsTestClient.ConnectAsync(untrusting, "ws/echo", cancellationToken: cts.Token));
        }

        var options = new ClientOptions { BaseAddress = server.BaseAddress };
        string thumbprint = certificate.GetCertHashString();
        await using SdkClient client = SdkClient.CreateBuilder(options)
            .ConfigureHttpHandler(h => h.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint)
            .Build();
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/echo", cancellationToken: cts.Token);
        await session.SendAsync(new WsMessage(Seq: 7, Text: "over tls"), cts.Token);

        Assert.Equal(new WsMessage(Seq: 7, Text: "over tls"), (await WsTestClient.ReadAsync(session, 1, cts.Token))[0]);
        Assert.Equal(1, server.Path("ws/echo").Connections);
    }

    [Fact]
    public async Task Each_handshake_sends_a_new_key()
    {
        await using RawWsServer server = RawWsServer.Start((_, _) => Task.CompletedTask, new RawWsOptions { KeepOpen = false });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.Reconnect.MaxAttempts = 2);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ReadToEndAsync(session, cts.Token)); // cut three times

        IReadOnlyList<RawWsConnection> connections = server.AcceptedConnections;
        Assert.Equal(3, connections.Count);
        Assert.Equal(3, connections.Select(c => c.Headers["Sec-WebSocket-Key"]).Distinct().Count());
    }

    [Theory]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n", "Sec-WebSocket-Accept")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "Sec-WebSocket-Accept")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n", "Upgrade: websocket")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n\r\n", "Connection: Upgrade")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: chat\r\n\r\n", "the subprotocol 'chat' but none was offered")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n", "the extension 'permessage-deflate' but none was offered")]
    public async Task An_unacceptable_101_is_a_protocol_violation_and_is_not_retried(string answer, string reason)
    {
        await using RawWsServer server = RawWsServer.Start((_, _) => Task.CompletedTask, new RawWsOptions
        {
            Response = key => answer.Replace("{accept}", RawWsHandshake.AcceptFor(key), StringComparison.Ordinal),
        });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);

        WebSocketSessionException ex = await Assert.ThrowsAsync<WebSocketSessionException>(() => WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token));

        Assert.Equal(WebSocketFailureReason.ProtocolViolation, ex.Reason);
        Assert.Contains("upgrade was not acceptable", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        await server.WaitForConnectionsAsync(1, WsTestClient.Limit); // counted just after the answer was written
        Assert.Equal(1, server.Connections); // a retry would have been answered before the exception
    }

    [Fact]
    public async Task A_refusal_reaches_the_caller_with_its_status_and_body()
    {
        await using RawWsServer server = RawWsServer.Start((_, _) => Task.CompletedTask, new RawWsOptions
        {
            Response = _ => "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: 42\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"slow down\",\"code\":1}}",
        });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.Retry.MaxRetries = 0);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Contains("slow down", ex.RawBody, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null); // with a key Kestrel can use
    }
}
