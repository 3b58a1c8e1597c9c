using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) with the WebSocket endpoints of <see cref="KestrelWsEndpoints"/>
/// (<c>ws/echo</c>, <c>ws/seq</c>, <c>ws/seq-msg</c>, <c>ws/close</c>, <c>ws/silent</c>, <c>ws/big</c>, <c>ws/flood</c>,
/// <c>ws/status</c>, <c>ws/flaky</c>, <c>ws/subs</c>). It records every handshake and counts sockets per path; await
/// its state with <see cref="WaitForConnectionsAsync"/> or <see cref="WaitUntilAsync"/>. Dispose it to stop it: open
/// sockets are aborted.
/// </summary>
public sealed class KestrelWsServer : IAsyncDisposable
{
    private readonly ChangeSignal _signal = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<WsHandshake> _handshakes = [];
    private readonly List<Exception> _errors = [];
    private readonly Dictionary<string, WsPathStats> _paths = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _connections;
    private int _open;
    private int _disposed;

    private KestrelWsServer()
    {
        Subs = new WsSubsState(_signal, Path("ws/subs"));
    }

    /// <summary>The server's base address, ending with a slash (for example <c>http://127.0.0.1:41234/</c>).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>WebSockets accepted since start, all paths.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>WebSockets whose handler is still running, all paths.</summary>
    public int OpenSockets => Volatile.Read(ref _open);

    /// <summary>Every request that reached a <c>ws/</c> endpoint, in arrival order (a snapshot).</summary>
    public IReadOnlyList<WsHandshake> Handshakes
    {
        get
        {
            lock (_lock)
            {
                return [.. _handshakes];
            }
        }
    }

    /// <summary>The request headers of every handshake, in arrival order (a snapshot).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> RequestHeaders => [.. Handshakes.Select(h => h.Headers)];

    /// <summary>The subprotocols each handshake asked for, in arrival order (a snapshot).</summary>
    public IReadOnlyList<IReadOnlyList<string>> RequestedSubProtocols => [.. Handshakes.Select(h => h.SubProtocols)];

    /// <summary>Exceptions endpoint code threw other than the connection going away (should stay empty).</summary>
    public IReadOnlyList<Exception> HandlerErrors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Keys subscribed on <c>ws/subs</c>, per connection.</summary>
    public WsSubsState Subs { get; }

    /// <summary>The <c>ws://</c> address of <paramref name="relative"/> (for example <c>ws/echo</c>).</summary>
    public Uri WebSocketUri(string relative) => WsUri.For(BaseAddress, relative);

    /// <summary>Counters of one path, for example <c>ws/seq</c> (leading slash optional).</summary>
    public WsPathStats Path(string path)
    {
        string key = path.TrimStart('/');
        lock (_lock)
        {
            if (!_paths.TryGetValue(key, out WsPathStats? stats))
            {
                stats = new WsPathStats(key, _signal);
                _paths[key] = stats;
            }

            return stats;
        }
    }

    /// <summary>
    /// Starts the server; <paramref name="map"/> may add more endpoints (after <c>UseWebSockets</c>). With
    /// <paramref name="certificate"/> it listens with TLS (<c>https</c>, so <c>wss</c>).
    /// </summary>
    public static async Task<KestrelWsServer> StartAsync(Action<WebApplication>? map = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<KestrelServerOptions>(o => o.AllowSynchronousIO = false);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        // A flush completes only once the bytes were handed to the socket, so killAfter=K (HttpContext.Abort) never
        // drops a message that was already "sent" and backpressure reaches the endpoint at once.
        builder.WebHost.UseSockets(o => o.MaxWriteBufferSize = 2);

        var server = new KestrelWsServer();
        WebApplication app = builder.Build();
        server._app = app;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        KestrelWsEndpoints.Map(app, server);
        map?.Invoke(app);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Waits until at least <paramref name="n"/> WebSockets were accepted (all paths), or throws <see cref="TimeoutException"/>.</summary>
    public Task WaitForConnectionsAsync(int n, TimeSpan timeout) =>
        WaitUntilAsync(() => Connections >= n, timeout, () => $"{Connections} of {n} connections accepted");

    /// <summary>Waits until <paramref name="condition"/> (about this server's state) holds, or throws <see cref="TimeoutException"/>.</summary>
    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null) =>
        _signal.WaitUntilAsync(condition, timeout, describe ?? Describe);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>Records a request to a <c>ws/</c> path and returns its path counters.</summary>
    internal WsPathStats Record(HttpContext context)
    {
        string path = context.Request.Path.Value?.TrimStart('/') ?? "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        bool isWebSocket = context.WebSockets.IsWebSocketRequest;
        IReadOnlyList<string> protocols = isWebSocket ? [.. context.WebSockets.WebSocketRequestedProtocols] : [];
        lock (_lock)
        {
            _handshakes.Add(new WsHandshake(_handshakes.Count, path, context.Request.QueryString.Value ?? "", headers, protocols, isWebSocket));
        }

        WsPathStats stats = Path(path);
        stats.OnRequest();
        return stats;
    }

    /// <summary>Records the request, accepts the WebSocket and runs <paramref name="endpoint"/> on it, counting it while it runs.</summary>
    internal async Task RunAsync(HttpContext context, Func<WsEndpointContext, Task> endpoint)
    {
        WsPathStats stats = Record(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(AcceptContext(context));
        }
        catch (Exception ex) when (IsConnectionGone(ex))
        {
            return;
        }

        int index = stats.OnAccepted();
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _open);
        _signal.Notify();
        var ws = new WsEndpointContext(context, socket, index, stats, linked.Token);
        try
        {
            if (!ws.KillIfDueAtStart())
            {
                await endpoint(ws);
            }
        }
        catch (Exception ex) when (IsConnectionGone(ex))
        {
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _errors.Add(ex);
            }
        }
        finally
        {
            await ws.FinishAsync();
            socket.Dispose();
            stats.OnClosed();
            Interlocked.Decrement(ref _open);
            _signal.Notify();
        }
    }

    private static bool IsConnectionGone(Exception ex) =>
        ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException;

    // protocol=NAME answers with that subprotocol (even one not asked for), protocol=none with none; by default the first
    // one asked for. pingMs=N makes the server send keep-alive pings every N ms; deflate=1 accepts permessage-deflate.
    private static WebSocketAcceptContext AcceptContext(HttpContext context)
    {
        string? protocol = context.Request.Query["protocol"].ToString() switch
        {
            "" => context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(),
            "none" => null,
            string named => named,
        };
        int pingMs = int.TryParse(context.Request.Query["pingMs"], out int ms) ? ms : 0;
        return new WebSocketAcceptContext
        {
            SubProtocol = protocol,
            KeepAliveInterval = TimeSpan.FromMilliseconds(pingMs),
            DangerousEnableCompression = context.Request.Query["deflate"] == "1",
        };
    }

    private string Describe()
    {
        lock (_lock)
        {
            return $"connections={Connections} open={OpenSockets}; " + string.Join("; ", _paths.Values);
        }
    }
}
