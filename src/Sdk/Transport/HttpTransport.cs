using Sdk.WebSockets;

namespace Sdk.Transport;

/// <summary>
/// The HTTP transport: sends through an <see cref="HttpMessageInvoker"/> (by default the client's own pooled
/// <see cref="SocketsHttpHandler"/>, see <see cref="ConnectionOptions"/>). The response returns at its headers; nothing is buffered.
/// </summary>
public sealed class HttpTransport : SdkTransport
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;
    private readonly ConnectionManager? _connections;

    /// <summary>Creates a transport over a handler you configured yourself (for example one from IHttpClientFactory).</summary>
    /// <param name="invoker">The invoker to send through; its handler must not buffer or follow redirects for the SDK to behave as documented.</param>
    /// <param name="disposeInvoker">Whether disposing the transport disposes <paramref name="invoker"/>.</param>
    public HttpTransport(HttpMessageInvoker invoker, bool disposeInvoker = false)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        _invoker = invoker;
        _disposeInvoker = disposeInvoker;
    }

    /// <summary>The transport the builder creates: over the client's own pooled handler, which it owns.</summary>
    internal HttpTransport(ConnectionManager connections)
        : this((connections ?? throw new ArgumentNullException(nameof(connections))).Invoker)
    {
        _connections = connections;
    }

    /// <summary>The client's connection manager, when this transport owns one.</summary>
    internal ConnectionManager? Connections => _connections;

    /// <inheritdoc />
    protected override ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        new(_invoker.SendAsync(request, cancellationToken));

    /// <inheritdoc />
    internal override ValueTask<HttpResponseMessage> ConnectWebSocketCoreAsync(HttpRequestMessage request, WebSocketHandshake handshake, CancellationToken cancellationToken) =>
        WebSocketUpgrade.ConnectAsync(_invoker, request, handshake, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }

        _connections?.Dispose();

        return base.DisposeAsyncCore();
    }
}
