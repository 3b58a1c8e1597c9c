using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

/// <summary>Clients and sessions for the WebSocket tests: short reconnect delays, every wait bounded.</summary>
internal static class WsTestClient
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static SdkClient Create(Uri baseAddress, Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions { BaseAddress = baseAddress };
        options.WebSockets.Reconnect.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.WebSockets.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
        return SdkClient.Create(options);
    }

    public static Task<WebSocketSession<WsMessage, WsMessage>> ConnectAsync(
        SdkClient client,
        string path,
        WebSocketSessionOptions<WsMessage, WsMessage>? options = null,
        CancellationToken cancellationToken = default) =>
        client.ConnectAsync(WebSocketRequest.For(path), WsJson.Default.WsMessage, WsJson.Default.WsMessage, options, cancellationToken);

    /// <summary>Reads every message until the session ends normally.</summary>
    public static async Task<List<WsMessage>> ReadToEndAsync(WebSocketSession<WsMessage, WsMessage> session, CancellationToken cancellationToken)
    {
        var messages = new List<WsMessage>();
        await foreach (WsMessage message in session.ReadAllAsync(cancellationToken))
        {
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>Reads <paramref name="count"/> messages.</summary>
    public static async Task<List<WsMessage>> ReadAsync(WebSocketSession<WsMessage, WsMessage> session, int count, CancellationToken cancellationToken)
    {
        var messages = new List<WsMessage>();
        await foreach (WsMessage message in session.ReadAllAsync(cancellationToken))
        {
            messages.Add(message);
            if (messages.Count == count)
            {
                break;
            }
        }

        return messages;
    }

    /// <summary>Reads until the session fails; returns what was delivered before and the failure.</summary>
    public static async Task<(List<WsMessage> Received, WebSocketSessionException Failure)> ReadUntilFailureAsync(WebSocketSession<WsMessage, WsMessage> session, CancellationToken cancellationToken)
    {
        var received = new List<WsMessage>();
        WebSocketSessionException failure = await Assert.ThrowsAsync<WebSocketSessionException>(async () =>
        {
            await foreach (WsMessage message in session.ReadAllAsync(cancellationToken))
            {
                received.Add(message);
            }
        });
        return (received, failure);
    }

    public static IEnumerable<long> Range(long first, long last)
    {
        for (long i = first; i <= last; i++)
        {
            yield return i;
        }
    }
}
