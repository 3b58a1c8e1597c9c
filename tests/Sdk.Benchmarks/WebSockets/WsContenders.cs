using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Sdk.Benchmarks.Compare;
using Sdk.Benchmarks.Model;
using Sdk.WebSockets;

namespace Sdk.Benchmarks.WebSockets;

/// <summary>One way to receive every message of a connection to the bench server.</summary>
internal interface IWsContender : IAsyncDisposable
{
    string Name { get; }

    Task<Decoded> ReceiveAllAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Hand-written code: a <see cref="ClientWebSocket"/> (sending the same <c>Authorization</c> header as the Sdk), a pooled
/// buffer, frames reassembled until the end of each message, source-generated <c>System.Text.Json</c>.
/// </summary>
/// <remarks>
/// With <c>keepAliveTimeout</c> (<c>--keepalive</c>, reported as <c>raw_keepalive</c>), a diagnostic: the same loop with the
/// keep-alive timeout the Sdk turns on by default, to show what .NET's dead-peer detection costs in the same run.
/// </remarks>
internal sealed class RawWsContender(Uri uri, bool decode, bool keepAliveTimeout = false) : IWsContender
{
    public string Name => !decode ? "server_only" : keepAliveTimeout ? "raw_keepalive" : "raw";

    public async Task<Decoded> ReceiveAllAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer sk-bench");
        if (keepAliveTimeout)
        {
            socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(20); // the Sdk's default dead-peer detection
        }

        await socket.ConnectAsync(uri, cancellationToken);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long items = 0;
        long text = 0;
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    break;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                items++;
                if (decode)
                {
                    ChatChunk chunk = JsonSerializer.Deserialize(buffer.AsSpan(0, length), BenchJson.Default.ChatChunk)!;
                    text += chunk.TextLength;
                }

                length = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new Decoded(items, text);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The product: <see cref="SdkClient.ConnectAsync{TSend, TReceive}(WebSocketRequest, System.Text.Json.Serialization.Metadata.JsonTypeInfo{TSend}, System.Text.Json.Serialization.Metadata.JsonTypeInfo{TReceive}, WebSocketSessionOptions{TSend, TReceive}?, CancellationToken)"/> with default options and a bearer credential, read with <c>await foreach</c>.</summary>
/// <remarks>
/// With <c>keepAliveTimeout: false</c> (<c>--keepalive</c>, reported as <c>sdk_no_keepalive</c>), a diagnostic: the session
/// with <see cref="Sdk.WebSockets.WebSocketOptions.KeepAliveTimeout"/> off, so it does the socket work the default raw loop does.
/// </remarks>
internal sealed class SdkWsContender(Uri server, bool keepAliveTimeout = true) : IWsContender
{
    private readonly SdkClient _client = SdkClient.Create(new ClientOptions
    {
        BaseAddress = server,
        Credential = ApiCredential.Bearer("sk-bench"),
        WebSockets = keepAliveTimeout ? new() : new() { KeepAliveTimeout = Timeout.InfiniteTimeSpan },
    });

    public string Name => keepAliveTimeout ? "sdk" : "sdk_no_keepalive";

    public async Task<Decoded> ReceiveAllAsync(CancellationToken cancellationToken)
    {
        await using WebSocketSession<ChatRequest, ChatChunk> session = await _client.ConnectAsync(
            WebSocketRequest.For("ws"), BenchJson.Default.ChatRequest, BenchJson.Default.ChatChunk, cancellationToken: cancellationToken);
        long items = 0;
        long text = 0;
        await foreach (ChatChunk chunk in session.ReadAllAsync(cancellationToken))
        {
            items++;
            text += chunk.TextLength;
        }

        return new Decoded(items, text);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
