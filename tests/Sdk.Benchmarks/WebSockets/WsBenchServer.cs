using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sdk.Benchmarks.WebSockets;

/// <summary>
/// A Kestrel WebSocket server on 127.0.0.1 and a random port: every connection to <c>/ws</c> gets the pre-rendered messages,
/// as fast as the client takes them, then a normal close (1000). The messages are rendered once, so the server allocates
/// next to nothing per message.
/// </summary>
internal sealed class WsBenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[][] _messages;

    private WsBenchServer(WebApplication app, byte[][] messages)
    {
        _app = app;
        _messages = messages;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri WebSocketUri => new($"ws://127.0.0.1:{BaseAddress.Port}/ws");

    public static async Task<WsBenchServer> StartAsync(byte[][] messages)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });

        WebApplication app = builder.Build();
        var server = new WsBenchServer(app, messages);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        CancellationToken aborted = context.RequestAborted;
        foreach (byte[] message in _messages)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, aborted);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", aborted);
        byte[] scratch = new byte[256];
        while (socket.State == WebSocketState.CloseSent)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(scratch.AsMemory(), aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
        }
    }
}
