using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketSmokeTests
{
    [Fact]
    public async Task Echo_round_trips_typed_messages()
    {
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Map("/ws/echo", async (HttpContext context) =>
            {
                using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
                byte[] buffer = new byte[4096];
                while (true)
                {
                    WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
                }
            });
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });
        await using WebSocketSession<WsMessage, WsMessage> session = await client.ConnectAsync(WebSocketRequest.For("ws/echo"), WsJson.Default.WsMessage, WsJson.Default.WsMessage, cancellationToken: cts.Token);
        for (int i = 1; i <= 3; i++)
        {
            await session.SendAsync(new WsMessage(Seq: i, Text: "hi"), cts.Token);
        }

        var received = new List<WsMessage>();
        await foreach (WsMessage message in session.ReadAllAsync(cts.Token))
        {
            received.Add(message);
            if (received.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([1L, 2L, 3L], received.Select(m => m.Seq!.Value));
        await session.CloseAsync(cancellationToken: cts.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.False(session.IsOpen);
    }
}
