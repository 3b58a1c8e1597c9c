using System.Net.WebSockets;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketLimitsTests
{
    [Fact]
    public async Task Oversized_message_closes_with_1009_and_is_a_typed_error_without_buffering_it()
    {
        // The frame claims 256 MiB and the server keeps writing it: the client reads no more than its 64 KiB limit,
        // closes with 1009 and lets go of the socket, so the server's writes fail long before the 256 MiB.
        long written = 0;
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            byte[] header = [0x81, 127, 0, 0, 0, 0, 0x10, 0, 0, 0];
            await connection.WriteAsync(Frames.Concat(Frames.Text("{\"seq\":1}"), header), ct);
            byte[] chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (int i = 0; i < 4096; i++)
            {
                await connection.WriteAsync(chunk, ct);
                Interlocked.Add(ref written, chunk.Length);
            }
        });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.MaxMessageBytes = 64 * 1024);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        (List<WsMessage> received, WebSocketSessionException ex) = await WsTestClient.ReadUntilFailureAsync(session, cts.Token);

        Assert.Equal(WebSocketFailureReason.MessageTooLarge, ex.Reason);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ex.CloseStatus);
        Assert.Single(received);
        RawWsConnection connection = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        RawWsFrame close = await connection.WaitForClientCloseAsync(WsTestClient.Limit);
        Assert.Equal((ushort)1009, close.CloseCode);
        Assert.Equal(1, server.Connections); // not reconnected: the same message would come again
        await connection.ClientGone.WaitAsync(WsTestClient.Limit);
        Assert.True(Interlocked.Read(ref written) < 64L * 1024 * 1024, $"the server wrote {Interlocked.Read(ref written) / 1024 / 1024} MiB: the client stopped reading at its limit");
    }

    [Fact]
    public async Task A_message_exactly_at_the_limit_is_delivered()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.WebSockets.MaxMessageBytes = 100_000);
        await using WebSocketSession<string, string> session = await client.ConnectAsync(WebSocketRequest.For("ws/big?bytes=100000"), WebSocketCodec.Text, WebSocketCodec.Text, cancellationToken: cts.Token);

        string message = await session.ReceiveAsync(cts.Token);
        Assert.Equal(100_000, message.Length);
    }

    [Fact]
    public async Task Full_send_queue_fails_fast_when_configured()
    {
        // The server never reads: the socket's buffers fill, then the queue.
        await using RawWsServer server = RawWsServer.Start((_, ct) => Task.Delay(Timeout.Infinite, ct), new RawWsOptions { DrainClient = false });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.WebSockets.SendQueueCapacity = 4;
            o.WebSockets.SendQueueFullMode = SendQueueFullMode.Fail;
            o.WebSockets.CloseTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using WebSocketSession<string, string> session = await client.ConnectAsync(WebSocketRequest.For("ws"), WebSocketCodec.Text, WebSocketCodec.Text, cancellationToken: cts.Token);
        string big = new('x', 256 * 1024);

        WebSocketSessionException? full = null;
        int queued = 0;
        for (; queued < 2000 && full is null; queued++)
        {
            try
            {
                await session.SendAsync(big, cts.Token);
            }
            catch (WebSocketSessionException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(WebSocketFailureReason.SendQueueFull, full.Reason);
        Assert.Contains("4 messages", full.Message, StringComparison.Ordinal);
        Assert.True(session.IsOpen); // a full queue does not end the session
    }

    [Fact]
    public async Task Full_send_queue_makes_senders_wait_and_honours_their_token()
    {
        await using RawWsServer server = RawWsServer.Start((_, ct) => Task.Delay(Timeout.Infinite, ct), new RawWsOptions { DrainClient = false });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.WebSockets.SendQueueCapacity = 4;
            o.WebSockets.CloseTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using WebSocketSession<string, string> session = await client.ConnectAsync(WebSocketRequest.For("ws"), WebSocketCodec.Text, WebSocketCodec.Text, cancellationToken: cts.Token);
        string big = new('x', 256 * 1024);

        // Send until a sender has to wait; cancel that sender's token: it gets OperationCanceledException. (The socket's
        // buffers may still grow a little, letting a waiting sender in just before its cancellation: then try again.)
        bool canceled = false;
        int sent = 0;
        for (; sent < 2000 && !canceled; sent++)
        {
            using var give = new CancellationTokenSource();
            ValueTask pending = session.SendAsync(big, give.Token);
            if (pending.IsCompleted)
            {
                continue;
            }

            give.Cancel();
            try
            {
                await pending;
            }
            catch (OperationCanceledException)
            {
                canceled = true;
            }
        }

        Assert.True(canceled, $"no sender was left waiting after {sent} messages");
        Assert.True(session.IsOpen); // a canceled send does not end the session
    }

    [Fact]
    public async Task Slow_consumer_keeps_memory_bounded_and_loses_nothing()
    {
        const int Messages = 2000;
        int written = 0;
        string payload = new('x', 64 * 1024);
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            for (int i = 1; i <= Messages; i++)
            {
                await connection.WriteAsync(Frames.Text($"{{\"seq\":{i},\"text\":\"{payload}\"}}"), ct);
                Volatile.Write(ref written, i);
            }

            await connection.WriteAsync(Frames.Close(1000, "done"), ct);
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);
        await using IAsyncEnumerator<WsMessage> reader = session.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await reader.MoveNextAsync());

        // The consumer pauses. The server is held back by TCP once the socket buffers are full: it cannot write the
        // 128 MiB, and the client holds nothing beyond the message being read.
        int before;
        int stable = 0;
        do
        {
            before = Volatile.Read(ref written);
            await Task.Delay(100, cts.Token); // polling for quiescence: the server's progress stops by itself
            stable = Volatile.Read(ref written) == before ? stable + 1 : 0;
        }
        while (stable < 5);

        Assert.True(before < Messages / 2, $"the server wrote {before} of {Messages} messages while the reader was paused");
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(heap < 64 * 1024 * 1024, $"managed heap {heap / 1024 / 1024} MiB while paused");

        long last = reader.Current.Seq!.Value;
        while (await reader.MoveNextAsync())
        {
            Assert.Equal(last + 1, reader.Current.Seq);
            last = reader.Current.Seq!.Value;
        }

        Assert.Equal(Messages, last);
    }
}
