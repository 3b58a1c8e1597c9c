using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sdk.Transport;

/// <summary>
/// Owns the one <see cref="SocketsHttpHandler"/> of a client, configured from <see cref="ConnectionOptions"/>: pooled
/// connections with a lifetime (DNS changes), HTTP/2 keep-alive pings, no automatic redirects or decompression (the SDK
/// does both itself), and a connect step whose timeout runs on the client's <see cref="TimeProvider"/>. Everything the
/// client sends over HTTP (and, later, WebSockets) goes through <see cref="Invoker"/>, so they share pool, proxy and TLS.
/// </summary>
internal sealed class ConnectionManager : IDisposable
{
    public ConnectionManager(ClientOptions options, IEnumerable<Action<SocketsHttpHandler>> configure)
    {
        Handler = CreateHandler(options);
        foreach (Action<SocketsHttpHandler> step in configure)
        {
            step(Handler);
        }

        Invoker = new HttpMessageInvoker(Handler, disposeHandler: false);
    }

    /// <summary>The client's handler.</summary>
    public SocketsHttpHandler Handler { get; }

    /// <summary>The invoker over <see cref="Handler"/>.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>Closes every pooled connection.</summary>
    public void Dispose()
    {
        Invoker.Dispose();
        Handler.Dispose();
    }

    public static SocketsHttpHandler CreateHandler(ClientOptions options)
    {
        ConnectionOptions connections = options.Connections;
        TimeProvider time = options.TimeProvider;
        TimeSpan connectTimeout = options.Timeouts.Connect;

        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = connections.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = connections.PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = connections.MaxConnectionsPerServer,
            EnableMultipleHttp2Connections = connections.EnableMultipleHttp2Connections,
            KeepAlivePingDelay = connections.KeepAlivePingDelay,
            KeepAlivePingTimeout = connections.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.None, // the SDK decompresses itself: see ResponseBody
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = Timeout.InfiniteTimeSpan,

            // A stream abandoned mid-way (break, dispose) is drained only briefly before its connection is closed; a stream that
            // ended at its sentinel has a few bytes left (the chunk terminator), drained at once, and keeps its connection.
            MaxResponseDrainSize = ClientDefaults.MaxResponseDrainBytes,
            ResponseDrainTimeout = ClientDefaults.ResponseDrainTimeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, time, connectTimeout, cancellationToken),
        };

        if (connections.Proxy is { } proxy)
        {
            handler.Proxy = proxy;
            handler.UseProxy = true;
        }

        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeoutSource = ClientOptionsValidator.IsFinite(timeout) ? new CancellationTokenSource(timeout, time) : null;
        using CancellationTokenSource? linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await socket.ConnectAsync(endPoint, linked?.Token ?? cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException ex) when (timeoutSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SdkTimeoutException(
                TimeoutKind.Connect,
                timeout,
                string.Create(CultureInfo.InvariantCulture, $"Connecting to {endPoint.Host}:{endPoint.Port} timed out: the connect limit of {timeout.TotalSeconds:0.###} s passed."),
                ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
