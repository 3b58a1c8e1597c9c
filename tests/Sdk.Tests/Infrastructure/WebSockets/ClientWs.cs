using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>A whole message a <see cref="ClientWebSocket"/> received.</summary>
public sealed record ClientWsMessage(WebSocketMessageType Type, byte[] Payload, int Frames)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>Helpers for the infrastructure's self-tests, on a plain <see cref="ClientWebSocket"/> (not the SDK).</summary>
public static class ClientWs
{
    /// <summary>Connects a new <see cref="ClientWebSocket"/> (keep-alive off unless <paramref name="configure"/> turns it on).</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Receives one whole message (reassembling fragments), or a <see cref="WebSocketMessageType.Close"/> with an empty payload.</summary>
    public static async Task<ClientWsMessage> ReceiveAsync(this WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        int frames = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            frames++;
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new ClientWsMessage(WebSocketMessageType.Close, [], frames);
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return new ClientWsMessage(result.MessageType, buffer.WrittenSpan.ToArray(), frames);
            }
        }
    }

    /// <summary>Receives messages until the socket ends; returns them and the exception it ended with, if any.</summary>
    public static async Task<(List<ClientWsMessage> Messages, Exception? Error)> ReceiveAllAsync(this WebSocket socket, CancellationToken cancellationToken)
    {
        var messages = new List<ClientWsMessage>();
        try
        {
            while (true)
            {
                ClientWsMessage message = await socket.ReceiveAsync(cancellationToken);
                if (message.Type == WebSocketMessageType.Close)
                {
                    return (messages, null);
                }

                messages.Add(message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (messages, ex);
        }
    }

    /// <summary>Sends <paramref name="text"/> as one text message.</summary>
    public static Task SendTextAsync(this WebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}
