using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Quickstart;

/// <summary><c>/v1/assistant</c>, a WebSocket: every <c>ask</c> gets a <c>reply</c> with the same id; a close is answered.</summary>
internal static class DemoAssistant
{
    public static async Task RunAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                AssistantMessage? ask = JsonSerializer.Deserialize(buffer.AsSpan(0, result.Count), QuickstartJson.Default.AssistantMessage);
                if (ask is { Type: "ask" })
                {
                    var reply = new AssistantMessage("reply", ask.Id, $"You asked \"{ask.Text}\"; the answer comes over the same socket.");
                    await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(reply, QuickstartJson.Default.AssistantMessage), WebSocketMessageType.Text, true, context.RequestAborted);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away.
        }
    }
}
