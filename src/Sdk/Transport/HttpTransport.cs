using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
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
    internal override async ValueTask<HttpResponseMessage> ConnectWebSocketCoreAsync(HttpRequestMessage request, WebSocketHandshake handshake, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        ClientWebSocketOptions options = socket.Options;
        options.CollectHttpResponseDetails = true;
        options.KeepAliveInterval = handshake.KeepAliveInterval;
        options.KeepAliveTimeout = handshake.KeepAliveTimeout;
        foreach (string subProtocol in handshake.SubProtocols)
        {
            options.AddSubProtocol(subProtocol);
        }

        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            if (!WebSocketHandshake.IsHandshakeHeader(header.Key))
            {
                options.SetRequestHeader(header.Key, header.Value.ToString());
            }
        }

        try
        {
            await socket.ConnectAsync(WebSocketHandshake.ToWebSocketUri(request.RequestUri!), _invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException) when (socket.HttpStatusCode != 0 && socket.HttpStatusCode != HttpStatusCode.SwitchingProtocols)
        {
            // The server answered, but not with an upgrade: hand its status and headers to the pipeline like any response.
            var refused = new HttpResponseMessage(socket.HttpStatusCode) { RequestMessage = request, Content = new ByteArrayContent([]) };
            CopyHeaders(socket.HttpResponseHeaders, refused);
            socket.Dispose();
            return refused;
        }
        catch (WebSocketException ex)
        {
            socket.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(ex.Message, ex, cancellationToken);
            }

            if (ex.WebSocketErrorCode is WebSocketError.UnsupportedProtocol or WebSocketError.HeaderError or WebSocketError.UnsupportedVersion)
            {
                // The server answered 101 but the upgrade is not acceptable (another subprotocol, a wrong accept key): not transient.
                throw new WebSocketSessionException(WebSocketFailureReason.ProtocolViolation, $"WebSocket {request.RequestUri!.AbsolutePath}: the server's upgrade was not acceptable: {ex.Message}", innerException: ex);
            }

            // No answer (refused, reset): a connection failure, as a plain request's would be.
            throw ex.InnerException as HttpRequestException ?? new HttpRequestException(HttpRequestError.Unknown, ex.Message, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var response = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols) { RequestMessage = request, Content = new WebSocketContent(socket) };
        CopyHeaders(socket.HttpResponseHeaders, response);
        socket.HttpResponseHeaders = null;
        return response;
    }

    private static void CopyHeaders(IReadOnlyDictionary<string, IEnumerable<string>>? headers, HttpResponseMessage response)
    {
        if (headers is null)
        {
            return;
        }

        foreach (KeyValuePair<string, IEnumerable<string>> header in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

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
