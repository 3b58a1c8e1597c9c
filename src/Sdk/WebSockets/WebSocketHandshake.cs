using System.Net;
using System.Net.WebSockets;

namespace Sdk.WebSockets;

/// <summary>What the transport needs, besides the attempt's message, to open a WebSocket: subprotocols, keep-alive and the clock its timeout runs on.</summary>
internal sealed class WebSocketHandshake(IReadOnlyList<string> subProtocols, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout, TimeProvider time)
{
    public IReadOnlyList<string> SubProtocols { get; } = subProtocols;

    /// <summary>Zero for no pings.</summary>
    public TimeSpan KeepAliveInterval { get; } = keepAliveInterval == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : keepAliveInterval;

    public TimeSpan KeepAliveTimeout { get; } = keepAliveTimeout;

    public TimeProvider Time { get; } = time;

    /// <summary>Whether pings expect an answer within <see cref="KeepAliveTimeout"/> (dead-peer detection, by <see cref="WebSocketStream"/>) rather than being .NET's unsolicited pongs.</summary>
    public bool DetectsDeadPeer => KeepAliveInterval > TimeSpan.Zero && KeepAliveTimeout != Timeout.InfiniteTimeSpan;

    /// <summary>Request headers the upgrade sets itself (or that a GET must not carry): not copied from the attempt's message.</summary>
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
internal sealed class WebSocketContent(WebSocket socket, WebSocketStream stream) : HttpContent
{
    private WebSocket? _socket = socket;

    /// <summary>The connection under the socket.</summary>
    public WebSocketStream Stream { get; } = stream;

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
internal sealed class WebSocketConnected(WebSocket socket, WebSocketStream stream, ResponseHeaders headers, string? requestId)
{
    public WebSocket Socket { get; } = socket;

    public WebSocketStream Stream { get; } = stream;

    public ResponseHeaders Headers { get; } = headers;

    public string? RequestId { get; } = requestId;

    public static bool IsUpgrade(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.SwitchingProtocols && response.Content is WebSocketContent;
}
