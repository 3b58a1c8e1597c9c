using System.Net;
using System.Net.WebSockets;

namespace Sdk.WebSockets;

/// <summary>What the transport needs, besides the attempt's message, to open a WebSocket: subprotocols and keep-alive.</summary>
internal sealed class WebSocketHandshake(IReadOnlyList<string> subProtocols, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout)
{
    public IReadOnlyList<string> SubProtocols { get; } = subProtocols;

    public TimeSpan KeepAliveInterval { get; } = keepAliveInterval == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : keepAliveInterval;

    public TimeSpan KeepAliveTimeout { get; } = keepAliveTimeout;

    /// <summary>The <c>ws</c>/<c>wss</c> form of an attempt's <c>http</c>/<c>https</c> URI.</summary>
    public static Uri ToWebSocketUri(Uri uri)
    {
        string scheme = uri.Scheme switch
        {
            "http" => "ws",
            "https" => "wss",
            _ => uri.Scheme,
        };
        return scheme == uri.Scheme ? uri : new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
    }

    /// <summary>Request headers ClientWebSocket sets itself (or refuses): not copied from the attempt's message.</summary>
    public static bool IsHandshakeHeader(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("Sec-WebSocket-", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The body of the response a WebSocket handshake attempt returns through the pipeline: the open socket (status 101). The
/// session takes it; disposed untaken (a hook replaced the response, the attempt failed), it aborts the socket.
/// </summary>
internal sealed class WebSocketContent(WebSocket socket) : HttpContent
{
    private WebSocket? _socket = socket;

    public WebSocket Take() => Interlocked.Exchange(ref _socket, null) ?? throw new InvalidOperationException("The WebSocket was already taken.");

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.CompletedTask;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _socket, null) is { } untaken)
        {
            untaken.Abort();
            untaken.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A handshake that succeeded: the socket and what the server answered.</summary>
internal sealed class WebSocketConnected(WebSocket socket, ResponseHeaders headers, string? requestId)
{
    public WebSocket Socket { get; } = socket;

    public ResponseHeaders Headers { get; } = headers;

    public string? RequestId { get; } = requestId;

    public static bool IsUpgrade(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.SwitchingProtocols && response.Content is WebSocketContent;
}
