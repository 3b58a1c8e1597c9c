using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RealtimeExample;

/// <summary>
/// The demo gateway, in process on Kestrel at 127.0.0.1 on a free port. <c>/v1/realtime</c>: after a
/// <c>{"type":"subscribe","channel":C,"from":N}</c> it streams ticks N+1..<see cref="Ticks"/> of that channel; it echoes
/// <c>say</c> as <c>said</c> and <c>ping</c> as <c>pong</c>. The very first connection is cut without a close frame after
/// 12 ticks, so the client has to reconnect and resume.
/// </summary>
internal sealed class RealtimeServer : IAsyncDisposable
{
    public const int Ticks = 30;
    private readonly WebApplication _app;
    private int _connections;

    private RealtimeServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Connections => Volatile.Read(ref _connections);

    public static async Task<RealtimeServer> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new RealtimeServer(app);
        app.UseWebSockets();
        app.Map("/v1/realtime", server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        bool cutThisOne = Interlocked.Increment(ref _connections) == 1;
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using var sendLock = new SemaphoreSlim(1, 1);
        CancellationToken aborted = context.RequestAborted;
        var channels = new List<Task>();
        byte[] buffer = new byte[4096];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, aborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
                    break;
                }

                ClientEvent? received = JsonSerializer.Deserialize(buffer.AsSpan(0, result.Count), RealtimeJson.Default.ClientEvent);
                switch (received?.Type)
                {
                    case "subscribe":
                        channels.Add(TickAsync(socket, sendLock, received.Channel ?? "ticker", received.From ?? 0, cutThisOne ? 12 : int.MaxValue, context, aborted));
                        break;
                    case "say":
                        await SendAsync(socket, sendLock, new ServerEvent("said", Text: received.Text), aborted);
                        break;
                    case "ping":
                        await SendAsync(socket, sendLock, new ServerEvent("pong"), aborted);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away, or this connection was cut on purpose.
        }
    }

    private static async Task TickAsync(WebSocket socket, SemaphoreSlim sendLock, string channel, long from, int cutAfter, HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            int sent = 0;
            for (long seq = from + 1; seq <= Ticks; seq++)
            {
                await SendAsync(socket, sendLock, new ServerEvent("tick", channel, seq, 100m + (seq % 7)), cancellationToken);
                if (++sent == cutAfter)
                {
                    context.Abort(); // no close frame: the client sees a lost connection
                    return;
                }

                await Task.Delay(5, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The connection ended.
        }
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim sendLock, ServerEvent message, CancellationToken cancellationToken)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(message, RealtimeJson.Default.ServerEvent);
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }
}
