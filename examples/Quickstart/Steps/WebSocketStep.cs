using Sdk;
using Sdk.WebSockets;

namespace Quickstart.Steps;

/// <summary>
/// A typed WebSocket session: the handshake carries the credential like any call (the demo server refuses requests
/// without it); messages go out with <c>SendAsync</c> and come back with <c>ReceiveAsync</c>.
/// </summary>
internal static class WebSocketStep
{
    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("6. WebSocket session: assistant");
        await using WebSocketSession<AssistantMessage, AssistantMessage> session = await client.ConnectAsync(
            WebSocketRequest.For("assistant"),
            QuickstartJson.Default.AssistantMessage,
            QuickstartJson.Default.AssistantMessage,
            cancellationToken: cancellationToken);

        string[] questions = ["What is a stream?", "Is this socket resilient?"];
        for (int i = 0; i < questions.Length; i++)
        {
            await session.SendAsync(new AssistantMessage("ask", i + 1, questions[i]), cancellationToken);
            AssistantMessage reply = await session.ReceiveAsync(cancellationToken);
            Console.WriteLine($"   #{reply.Id}: {reply.Text}");
        }

        await session.CloseAsync(cancellationToken: cancellationToken);
        Console.WriteLine($"   closed with {session.CloseStatus}; {session.MessagesSent} sent, {session.MessagesReceived} received");
        summary.Add("WebSocket", $"{session.MessagesReceived} replies", session.RequestId);
    }
}
