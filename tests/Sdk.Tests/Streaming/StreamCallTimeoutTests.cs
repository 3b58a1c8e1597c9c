using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>The attempt timeout (to the response headers) and the total stream timeout, on a <see cref="ManualTimeProvider"/>.</summary>
public sealed class StreamCallTimeoutTests
{
    [Fact]
    public async Task StreamAsync_ServerDelaysHeaders_ThrowsAttemptTimeout()
    {
        var time = new ManualTimeProvider();
        TaskCompletionSource arrived = StreamServer.Signal();
        await using TestServer server = await StartDelayedHeadersAsync(arrived);
        await using SdkClient client = StreamTestClient.Create(server, time, t => (t.Connect, t.Attempt) = (Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(5)));
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await arrived.Task.WaitAsync(StreamCollect.Limit); // the attempt clock started before the request was sent
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
        Assert.False(result.HasResponse);
    }

    [Fact]
    public async Task StreamAsync_PerRequestAttemptTimeout_OverridesClientDefault()
    {
        var time = new ManualTimeProvider();
        TaskCompletionSource arrived = StreamServer.Signal();
        await using TestServer server = await StartDelayedHeadersAsync(arrived);
        await using SdkClient client = StreamTestClient.Create(server, time);
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s").WithAttemptTimeout(TimeSpan.FromSeconds(2)), TestJson.Default.Item).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await arrived.Task.WaitAsync(StreamCollect.Limit);
        time.Advance(TimeSpan.FromSeconds(2));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.Timeout);
    }

    [Fact]
    public async Task StreamAsync_StreamTotalPassesWhileWaiting_ThrowsTotalTimeoutAndKeepsItems()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartOneEventThenStallAsync();
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.StreamTotal = TimeSpan.FromSeconds(10));
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> next = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(10));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => next.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), error.Timeout);
        Assert.Equal(1, result.ItemCount);
    }

    [Fact]
    public async Task StreamAsync_StreamTotalPassesWhileConsumerBusy_NextMoveThrowsTotalTimeout()
    {
        // Unlike the item limits, the total limit counts the caller's own time too.
        var time = new ManualTimeProvider();
        await using TestServer server = await StartOneEventThenStallAsync();
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.StreamTotal = TimeSpan.FromSeconds(10));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        time.Advance(TimeSpan.FromSeconds(10));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => StreamCollect.NextAsync(items));
        Assert.Equal(TimeoutKind.Total, error.Kind);
    }

    [Fact]
    public async Task StreamAsync_RequestWithTimeout_ThrowsTotalTimeout()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartOneEventThenStallAsync();
        await using SdkClient client = StreamTestClient.Create(server, time); // StreamTotal: none by default
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s").WithTimeout(TimeSpan.FromSeconds(3)), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> next = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(3));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => next.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), error.Timeout);
    }

    [Fact]
    public async Task StreamAsync_TotalShorterThanAttemptWhileWaitingForHeaders_ThrowsTotalTimeout()
    {
        var time = new ManualTimeProvider();
        TaskCompletionSource arrived = StreamServer.Signal();
        await using TestServer server = await StartDelayedHeadersAsync(arrived);
        await using SdkClient client = StreamTestClient.Create(server, time);
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s").WithTimeout(TimeSpan.FromSeconds(4)), TestJson.Default.Item).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await arrived.Task.WaitAsync(StreamCollect.Limit);
        time.Advance(TimeSpan.FromSeconds(4));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Total, error.Kind);
    }

    [Fact]
    public async Task StreamAsync_NoStreamTotal_LongStreamDoesNotTimeOut()
    {
        // Default StreamTotal is infinite: hours of a live stream with regular items end only when the server ends them.
        var time = new ManualTimeProvider();
        var release = new SemaphoreSlim(0);
        TaskCompletionSource arrived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            arrived.TrySetResult();
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            for (int i = 1; i <= 3; i++)
            {
                await release.WaitAsync(context.RequestAborted);
                await StreamServer.WriteAsync(context, $"data: {{\"id\":{i},\"text\":\"t\"}}\n\n");
            }
        }));
        await using SdkClient client = StreamTestClient.Create(server, time);
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();

        for (int i = 1; i <= 3; i++)
        {
            Task<bool> next = items.MoveNextAsync().AsTask();
            await arrived.Task.WaitAsync(StreamCollect.Limit); // connected: only the stream's own limits are running
            time.Advance(TimeSpan.FromSeconds(90)); // under the 100 s first-event and idle limits, 4.5 minutes in all
            release.Release();
            Assert.True(await next.WaitAsync(StreamCollect.Limit));
        }

        Assert.False(await StreamCollect.NextAsync(items));
    }

    private static Task<TestServer> StartDelayedHeadersAsync(TaskCompletionSource arrived) =>
        TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            arrived.TrySetResult();
            await StreamServer.WaitForAbortAsync(context);
        }));

    private static Task<TestServer> StartOneEventThenStallAsync() =>
        TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await StreamServer.WriteAsync(context, "id: 1\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
            await StreamServer.WaitForAbortAsync(context);
        }));
}
