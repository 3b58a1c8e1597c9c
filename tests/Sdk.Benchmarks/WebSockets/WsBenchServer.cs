using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Benchmarks.Compare;

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

    public Uri BaseAddress { get; private init; } = null!;

    public Uri WebSocketUri => new($"ws://127.0.0.1:{BaseAddress.Port}/ws");

    public static async Task<WsBenchServer> StartAsync(byte[][] messages)
    {
        WsBenchServer? server = null;
        (WebApplication app, Uri baseAddress) = await LocalKestrel.StartAsync(app =>
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            app.Map("/ws", context => server!.HandleAsync(context));
        });
        server = new WsBenchServer(app, messages) { BaseAddress = baseAddress };
        return server;
    }

    public ValueTask DisposeAsync() => LocalKestrel.StopAsync(_app);

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
