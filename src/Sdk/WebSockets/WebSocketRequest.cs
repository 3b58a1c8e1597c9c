namespace Sdk.WebSockets;

/// <summary>
/// What a WebSocket session connects to: a path relative to the client's base address (the scheme becomes <c>ws</c> or
/// <c>wss</c>), query parameters, handshake headers and subprotocols. The handshake is a request like any other: the
/// client's request hooks (authentication, request id, user agent) run on it, and it goes through retries, the endpoint's
/// circuit breaker and failover. Immutable builder methods return a new request.
/// </summary>
public sealed class WebSocketRequest
{
    private readonly string[] _subProtocols;

    private WebSocketRequest(ApiRequest request, string[] subProtocols)
    {
        Request = request;
        _subProtocols = subProtocols;
    }

    /// <summary>The path, relative to the client's base address.</summary>
    public string Path => Request.Path;

    /// <summary>The subprotocols offered in the handshake, in order of preference.</summary>
    public IReadOnlyList<string> SubProtocols => _subProtocols;

    /// <summary>The handshake headers set on this request.</summary>
    public IReadOnlyDictionary<string, string> Headers => Request.Headers;

    /// <summary>The handshake as a GET request through the client's pipeline.</summary>
    internal ApiRequest Request { get; }

    /// <summary>A request for <paramref name="path"/>, relative to the client's base address (for example <c>realtime</c>).</summary>
    /// <param name="path">The path.</param>
    /// <returns>The request.</returns>
    public static WebSocketRequest For(string path) => new(ApiRequest.Get(path), []);

    /// <summary>Adds a query parameter (values are escaped).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    /// <returns>A new request.</returns>
    public WebSocketRequest WithQuery(string name, string value) => new(Request.Clone().WithQuery(name, value), _subProtocols);

    /// <summary>Sets a handshake header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value, without line breaks.</param>
    /// <returns>A new request.</returns>
    public WebSocketRequest WithHeader(string name, string value) => new(Request.Clone().WithHeader(name, value), _subProtocols);

    /// <summary>Offers a subprotocol (<c>Sec-WebSocket-Protocol</c>); the server's choice is <see cref="WebSocketSession{TSend, TReceive}.SubProtocol"/>.</summary>
    /// <param name="subProtocol">The subprotocol token.</param>
    /// <returns>A new request.</returns>
    /// <exception cref="ArgumentException"><paramref name="subProtocol"/> is empty or not a valid token.</exception>
    public WebSocketRequest WithSubProtocol(string subProtocol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subProtocol);
        if (!HeaderNames.IsValid(subProtocol))
        {
            throw new ArgumentException($"'{subProtocol}' is not a valid subprotocol token.", nameof(subProtocol));
        }

        return new(Request, [.. _subProtocols, subProtocol]);
    }

    /// <summary>Limits the handshake's time to its response (each attempt).</summary>
    /// <param name="timeout">The limit.</param>
    /// <returns>A new request.</returns>
    public WebSocketRequest WithAttemptTimeout(TimeSpan timeout) => new(Request.Clone().WithAttemptTimeout(timeout), _subProtocols);

    /// <summary>Overrides how many times the first handshake is retried (reconnects follow <see cref="WebSocketReconnectOptions"/>).</summary>
    /// <param name="maxRetries">The retries; 0 for none.</param>
    /// <returns>A new request.</returns>
    public WebSocketRequest WithMaxRetries(int maxRetries) => new(Request.Clone().WithMaxRetries(maxRetries), _subProtocols);

    /// <summary>The method and path, never the query or a header.</summary>
    /// <returns>For example <c>WebSocket realtime</c>.</returns>
    public override string ToString() => $"WebSocket {Request.Path}";
}
