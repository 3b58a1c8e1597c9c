using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>
/// Cancelling a stream (the <c>StreamAsync</c> token, <c>WithCancellation</c>, breaking out of <c>await foreach</c>) ends it
/// promptly with <see cref="OperationCanceledException"/>, never an <see cref="SdkException"/>, and frees its connection.
/// </summary>
public sealed class StreamCancellationTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task StreamAsync_CallTokenCanceledMidStream_ThrowsOperationCanceledPromptly()
    {
        await using TestServer server = await StartTwoEventsThenStallAsync(StreamServer.Signal());
        await using SdkClient client = StreamTestClient.Create(server);
        using var cts = new CancellationTokenSource();
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, cancellationToken: cts.Token).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> waiting = items.MoveNextAsync().AsTask();
        cts.Cancel();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Prompt));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task StreamAsync_WithCancellationCanceledMidStream_ThrowsOperationCanceled()
    {
        TaskCompletionSource clientLeft = StreamServer.Signal();
        await using TestServer server = await StartTwoEventsThenStallAsync(clientLeft);
        await using SdkClient client = StreamTestClient.Create(server);
        using var cts = new CancellationTokenSource();
        var received = new List<int>();

        Exception? error = await Record.ExceptionAsync(async () =>
        {
            await foreach (Item item in client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).WithCancellation(cts.Token))
            {
                received.Add(item.Id);
                if (received.Count == 2)
                {
                    cts.Cancel();
                }
            }
        }).WaitAsync(StreamCollect.Limit);

        Assert.Equal([1, 2], received);
        OperationCanceledException canceled = Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(cts.Token, canceled.CancellationToken);
        await clientLeft.Task.WaitAsync(Prompt);
    }

    [Fact]
    public async Task StreamAsync_TokenCanceledWithEventsAlreadyBuffered_NextMoveThrowsInsteadOfDeliveringThem()
    {
        // Five events arrive in one write, so the rest are in the decoder's buffer when the caller cancels after two:
        // the enumerator must check the token per event rather than only when it reads from the network.
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await StreamServer.WriteAsync(context, string.Concat(Enumerable.Range(1, 5).Select(i => $"data: {{\"id\":{i},\"text\":\"t\"}}\n\n")));
            await StreamServer.WaitForAbortAsync(context);
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        using var cts = new CancellationTokenSource();
        var received = new List<int>();

        Exception? error = await Record.ExceptionAsync(async () =>
        {
            await foreach (Item item in client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).WithCancellation(cts.Token))
            {
                received.Add(item.Id);
                if (received.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(StreamCollect.Limit);

        Assert.Equal([1, 2], received);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public async Task StreamAsync_CanceledWhileWaitingForHeaders_ThrowsOperationCanceled()
    {
        TaskCompletionSource requestArrived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            requestArrived.TrySetResult();
            await StreamServer.WaitForAbortAsync(context);
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        using var cts = new CancellationTokenSource();
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, cancellationToken: cts.Token).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await requestArrived.Task.WaitAsync(StreamCollect.Limit);
        cts.Cancel();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Prompt));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task StreamAsync_TokenCanceledBeforeStart_ThrowsWithoutSending()
    {
        int requests = 0;
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", (HttpContext context) =>
        {
            Interlocked.Increment(ref requests);
            return StreamServer.Body(StreamServer.Sse, "data: {\"id\":1,\"text\":\"a\"}\n\n")(context);
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        (List<Item> items, Exception? error) = await StreamCollect.UntilErrorAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, cancellationToken: cts.Token));

        Assert.Empty(items);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(0, server.TotalConnections);
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    [Fact]
    public async Task StreamAsync_BreakOutOfAwaitForeach_FreesTheConnection()
    {
        TaskCompletionSource clientLeft = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/endless", async (HttpContext context) =>
        {
            try
            {
                await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
                for (int i = 1; ; i++)
                {
                    await StreamServer.WriteAsync(context, $"id: {i}\ndata: {{\"id\":{i},\"text\":\"x\"}}\n\n");
                }
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                clientLeft.TrySetResult();
            }
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("endless"), TestJson.Default.Item);

        int received = 0;
        await foreach (Item item in result)
        {
            if (++received == 3)
            {
                break;
            }
        }

        Assert.Equal(3, result.ItemCount);
        Assert.Equal("3", result.LastEventId);
        await clientLeft.Task.WaitAsync(Prompt);
        await server.WaitForConnectionsAsync(open => open == 0, Prompt);
    }

    [Fact]
    public async Task StreamAsync_BreakOutOfSlowStream_ConnectionClosedWithinTheBriefDrain()
    {
        // An abandoned body is drained only briefly (64 KiB, 1 s) before its connection is closed: a server that sends
        // nothing more must see the client leave soon after, not keep the connection open.
        TaskCompletionSource clientLeft = StreamServer.Signal();
        await using TestServer server = await StartTwoEventsThenStallAsync(clientLeft);
        await using SdkClient client = StreamTestClient.Create(server);

        await foreach (Item item in client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item))
        {
            break;
        }

        await clientLeft.Task.WaitAsync(Prompt);
        await server.WaitForConnectionsAsync(open => open == 0, Prompt);
    }

    [Fact]
    public async Task StreamAsync_StreamsEndingAtSentinel_ReuseOneConnection()
    {
        // The server ends each response right after the sentinel: the few bytes left (the chunk terminator) are drained and
        // the connection goes back to the pool for the next stream.
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s",
            StreamServer.Body(StreamServer.Sse, "data: {\"id\":1,\"text\":\"a\"}\n\ndata: [DONE]\n\n")));
        await using SdkClient client = StreamTestClient.Create(server);

        for (int i = 0; i < 3; i++)
        {
            StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
            Assert.Single(await StreamCollect.AllAsync(result));
            Assert.True(result.SawTerminalSentinel);
        }

        Assert.Equal(1, server.TotalConnections);
    }

    /// <summary>A server that sends two events at once and then keeps the response open until the client leaves.</summary>
    private static Task<TestServer> StartTwoEventsThenStallAsync(TaskCompletionSource clientLeft) =>
        TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await StreamServer.WriteAsync(context, "id: 1\ndata: {\"id\":1,\"text\":\"a\"}\n\nid: 2\ndata: {\"id\":2,\"text\":\"b\"}\n\n");
            await StreamServer.WaitForAbortAsync(context);
            clientLeft.TrySetResult();
        }));
}
