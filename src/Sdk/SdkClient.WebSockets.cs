using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Polly;
using Sdk.Plugins;
using Sdk.WebSockets;

namespace Sdk;

public sealed partial class SdkClient
{
    /// <summary>
    /// Opens a WebSocket session whose messages are JSON (source-generated metadata for both directions). The handshake goes
    /// through the client's pipeline (request hooks such as authentication, retries, circuit breakers, failover) and the
    /// client's pooled handler (proxy, TLS, connect timeout); see <see cref="WebSocketSession{TSend, TReceive}"/>.
    /// </summary>
    /// <typeparam name="TSend">The type sent.</typeparam>
    /// <typeparam name="TReceive">The type received.</typeparam>
    /// <param name="request">The path, query, headers and subprotocols.</param>
    /// <param name="sendType">The metadata of <typeparamref name="TSend"/>.</param>
    /// <param name="receiveType">The metadata of <typeparamref name="TReceive"/>.</param>
    /// <param name="options">Reconnect callback, sequence numbers, heartbeat, replay; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open session.</returns>
    /// <exception cref="ApiException">The server refused the handshake (its status and headers).</exception>
    /// <exception cref="TransportException">The server could not be reached.</exception>
    /// <exception cref="CircuitOpenException">Every endpoint's circuit is open.</exception>
    /// <exception cref="SdkTimeoutException">A timeout of the handshake fired.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<WebSocketSession<TSend, TReceive>> ConnectAsync<TSend, TReceive>(
        WebSocketRequest request,
        JsonTypeInfo<TSend> sendType,
        JsonTypeInfo<TReceive> receiveType,
        WebSocketSessionOptions<TSend, TReceive>? options = null,
        CancellationToken cancellationToken = default) =>
        ConnectAsync(request, WebSocketCodec.Json(sendType), WebSocketCodec.Json(receiveType), options, cancellationToken);

    /// <summary>Opens a WebSocket session with codecs of your choice (JSON, text, binary or your own); otherwise as the JSON overload.</summary>
    /// <typeparam name="TSend">The type sent.</typeparam>
    /// <typeparam name="TReceive">The type received.</typeparam>
    /// <param name="request">The path, query, headers and subprotocols.</param>
    /// <param name="sendCodec">Encodes sent messages.</param>
    /// <param name="receiveCodec">Decodes received messages.</param>
    /// <param name="options">Reconnect callback, sequence numbers, heartbeat, replay; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open session.</returns>
    /// <exception cref="ApiException">The server refused the handshake (its status and headers).</exception>
    /// <exception cref="TransportException">The server could not be reached.</exception>
    /// <exception cref="CircuitOpenException">Every endpoint's circuit is open.</exception>
    /// <exception cref="SdkTimeoutException">A timeout of the handshake fired.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<WebSocketSession<TSend, TReceive>> ConnectAsync<TSend, TReceive>(
        WebSocketRequest request,
        WebSocketCodec<TSend> sendCodec,
        WebSocketCodec<TReceive> receiveCodec,
        WebSocketSessionOptions<TSend, TReceive>? options = null,
        CancellationToken cancellationToken = default)
    {
        WebSocketSession<TSend, TReceive> session = CreateSession(request, sendCodec, receiveCodec, options);
        try
        {
            await session.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>
    /// Creates a pool of sockets to one WebSocket endpoint that multiplexes logical subscriptions, routed by a key read from
    /// each message (see <see cref="WebSocketPool{TSend, TReceive}"/>). No socket opens before the first subscription.
    /// </summary>
    /// <typeparam name="TSend">The type sent.</typeparam>
    /// <typeparam name="TReceive">The type received.</typeparam>
    /// <param name="request">The path, query, headers and subprotocols of every socket.</param>
    /// <param name="sendType">The metadata of <typeparamref name="TSend"/>.</param>
    /// <param name="receiveType">The metadata of <typeparamref name="TReceive"/>.</param>
    /// <param name="options">The routing key, subscribe and unsubscribe messages, and limits.</param>
    /// <returns>The pool; dispose it to close its sockets.</returns>
    /// <exception cref="ArgumentException">The options are invalid (for example no <see cref="WebSocketPoolOptions{TSend, TReceive}.RouteKey"/>).</exception>
    public WebSocketPool<TSend, TReceive> CreateWebSocketPool<TSend, TReceive>(
        WebSocketRequest request,
        JsonTypeInfo<TSend> sendType,
        JsonTypeInfo<TReceive> receiveType,
        WebSocketPoolOptions<TSend, TReceive> options) =>
        CreateWebSocketPool(request, WebSocketCodec.Json(sendType), WebSocketCodec.Json(receiveType), options);

    /// <summary>Creates a pool of multiplexed sockets with codecs of your choice; otherwise as the JSON overload.</summary>
    /// <typeparam name="TSend">The type sent.</typeparam>
    /// <typeparam name="TReceive">The type received.</typeparam>
    /// <param name="request">The path, query, headers and subprotocols of every socket.</param>
    /// <param name="sendCodec">Encodes sent messages.</param>
    /// <param name="receiveCodec">Decodes received messages.</param>
    /// <param name="options">The routing key, subscribe and unsubscribe messages, and limits.</param>
    /// <returns>The pool; dispose it to close its sockets.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public WebSocketPool<TSend, TReceive> CreateWebSocketPool<TSend, TReceive>(
        WebSocketRequest request,
        WebSocketCodec<TSend> sendCodec,
        WebSocketCodec<TReceive> receiveCodec,
        WebSocketPoolOptions<TSend, TReceive> options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sendCodec);
        ArgumentNullException.ThrowIfNull(receiveCodec);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        WebSocketPoolOptions<TSend, TReceive> copy = options.Clone();
        var errors = new List<string>();
        copy.Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid WebSocket pool options: {string.Join(" ", errors)}", nameof(options));
        }

        return new WebSocketPool<TSend, TReceive>(this, request, sendCodec, receiveCodec, copy, _lifetime.Token);
    }

    internal WebSocketSession<TSend, TReceive> CreateSession<TSend, TReceive>(
        WebSocketRequest request,
        WebSocketCodec<TSend> sendCodec,
        WebSocketCodec<TReceive> receiveCodec,
        WebSocketSessionOptions<TSend, TReceive>? options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sendCodec);
        ArgumentNullException.ThrowIfNull(receiveCodec);
        ThrowIfDisposed();
        WebSocketSessionOptions<TSend, TReceive> copy = options?.Clone() ?? new WebSocketSessionOptions<TSend, TReceive>();
        var errors = new List<string>();
        copy.Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid WebSocket session options: {string.Join(" ", errors)}", nameof(options));
        }

        return new WebSocketSession<TSend, TReceive>(this, request, sendCodec, receiveCodec, copy, copy.Settings ?? _options.WebSockets, _lifetime.Token);
    }

    /// <summary>
    /// One handshake through the pipeline: call hooks, attempts (endpoint choice, circuit breaker, attempt timeout, attempt
    /// hooks, response hooks: a 401 refreshed and sent again by the authentication plugin), retries up to
    /// <paramref name="maxRetries"/>. The returned connection holds the plugin snapshot it entered; the session exits it.
    /// </summary>
    internal async Task<WebSocketConnection> OpenWebSocketAsync(WebSocketRequest request, WebSocketHandshake handshake, int? maxRetries, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ApiRequest api = request.Request;
        using CallScope scope = CreateScope(api.Timeout ?? _options.Timeouts.Total, cancellationToken);
        using Activity? activity = SdkDiagnostics.StartCall(api, stream: true);
        PluginSnapshot plugins = Plugins.Enter();
        var call = new CallAttempts(this, api, "*/*", scope, activity)
        {
            Plugins = plugins,
            WebSocket = handshake,
            OnSuccess = static (response, call) => new ValueTask<Outcome<object>>(Outcome.FromResult<object>(call.Client.TakeSocket(response))),
        };
        if (maxRetries is { } retries)
        {
            call.MaxRetries = retries;
        }

        try
        {
            using RateLimitLease? permit = await AcquirePermitAsync(api, scope).ConfigureAwait(false);
            object result = await SendWithRetriesAsync(call).ConfigureAwait(false);
            if (result is WebSocketConnected connected)
            {
                SdkDiagnostics.WebSocketConnects.Add(1, new KeyValuePair<string, object?>("endpoint", call.Endpoint?.Prefix));
                return new WebSocketConnection(connected, call, plugins);
            }

            var response = (HttpResponseMessage)result;
            try
            {
                throw await ApiErrors.FromResponseAsync(this, response, api, scope).ConfigureAwait(false);
            }
            finally
            {
                response.Dispose();
            }
        }
        catch (Exception ex)
        {
            if (plugins.Errors.Length > 0)
            {
                await ReportErrorAsync(call, ex).ConfigureAwait(false);
            }

            plugins.Exit();
            throw;
        }
    }

    private WebSocketConnected TakeSocket(HttpResponseMessage response)
    {
        var content = (WebSocketContent)response.Content;
        var headers = new ResponseHeaders(response.Headers, null);
        var connected = new WebSocketConnected(content.Take(), content.Stream, headers, headers.FirstOf(RequestIdHeaders));
        response.Dispose();
        return connected;
    }
}
