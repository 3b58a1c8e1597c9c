using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>
/// The first-event and idle timeouts, on a <see cref="ManualTimeProvider"/>: they run only while the caller waits inside
/// <c>MoveNextAsync</c>, restart with each item, and are not reset by bytes that never complete an item.
/// </summary>
public sealed class StreamItemTimeoutTests
{
    private static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;

    [Fact]
    public async Task StreamAsync_HeadersThenStall_ThrowsFirstEventTimeout()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartAsync(events: 0);
        await using SdkClient client = StreamTestClient.Create(server, time, t => (t.Connect, t.Attempt, t.FirstEvent) = (Infinite, Infinite, TimeSpan.FromSeconds(5)));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await time.WaitForAsync(t => t.ActiveTimers == 1); // with no connect or attempt limit, the only timer is the first-event one
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.FirstEvent, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
    }

    [Fact]
    public async Task StreamAsync_FirstEventJustBeforeLimit_IsDelivered()
    {
        var time = new ManualTimeProvider();
        var release = new SemaphoreSlim(0);
        await using TestServer server = await StartAsync(events: 0, release);
        await using SdkClient client = StreamTestClient.Create(server, time, t => (t.Connect, t.Attempt, t.FirstEvent) = (Infinite, Infinite, TimeSpan.FromSeconds(5)));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await time.WaitForAsync(t => t.ActiveTimers == 1);
        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        release.Release();

        Assert.True(await first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(1, items.Current.Id);
    }

    [Fact]
    public async Task StreamAsync_PerCallFirstEventTimeout_OverridesClientDefault()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartAsync(events: 0);
        await using SdkClient client = StreamTestClient.Create(server, time, t => (t.Connect, t.Attempt) = (Infinite, Infinite));
        var options = new StreamOptions { FirstEventTimeout = TimeSpan.FromSeconds(3) };
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, options).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        await time.WaitForAsync(t => t.ActiveTimers == 1);
        time.Advance(TimeSpan.FromSeconds(3));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => first.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.FirstEvent, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), error.Timeout);
    }

    [Fact]
    public async Task StreamAsync_StallAfterItems_ThrowsIdleTimeoutAndKeepsItems()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartAsync(events: 2);
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.Idle = TimeSpan.FromSeconds(5));
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> third = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => third.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Idle, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
        Assert.Equal(2, result.ItemCount);
        Assert.Equal("2", result.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_IdleClock_RestartsWithEachItem()
    {
        var time = new ManualTimeProvider();
        var release = new SemaphoreSlim(0);
        await using TestServer server = await StartAsync(events: 1, release);
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.Idle = TimeSpan.FromSeconds(5));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        // Two gaps of 4 s each: 8 s since the first item, but never 5 s within one wait.
        for (int expected = 2; expected <= 3; expected++)
        {
            Task<bool> next = items.MoveNextAsync().AsTask();
            time.Advance(TimeSpan.FromSeconds(4));
            release.Release();
            Assert.True(await next.WaitAsync(StreamCollect.Limit));
            Assert.Equal(expected, items.Current.Id);
        }

        Task<bool> last = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => last.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Idle, error.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamAsync_SlowConsumerBetweenItems_DoesNotTimeOut(bool firstEventAlreadyBuffered)
    {
        // firstEventAlreadyBuffered: the first event follows the headers at once, so the decoder usually has it before the
        // caller waits (the synchronous path); otherwise it is sent only once the caller is waiting for it.
        var time = new ManualTimeProvider();
        var release = new SemaphoreSlim(0);
        await using TestServer server = await StartAsync(events: firstEventAlreadyBuffered ? 1 : 0, release);
        await using SdkClient client = StreamTestClient.Create(server, time, t =>
            (t.Connect, t.Attempt, t.FirstEvent, t.Idle) = (Infinite, Infinite, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();
        Task<bool> first = items.MoveNextAsync().AsTask();
        if (!firstEventAlreadyBuffered)
        {
            await time.WaitForAsync(t => t.ActiveTimers == 1); // the first-event clock runs: the caller is waiting
            release.Release();
        }

        Assert.True(await first.WaitAsync(StreamCollect.Limit));

        // The caller spends a minute on the item; the SDK's timer fires meanwhile but must not count it against the server.
        time.Advance(TimeSpan.FromMinutes(1));
        release.Release();

        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(2, items.Current.Id);
    }

    [Fact]
    public async Task StreamAsync_PerCallIdleTimeout_OverridesClientDefault()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartAsync(events: 1);
        await using SdkClient client = StreamTestClient.Create(server, time); // client idle limit: the default 100 s
        var options = new StreamOptions { IdleTimeout = TimeSpan.FromSeconds(2) };
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, options).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> next = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(2));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => next.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Idle, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.Timeout);
    }

    [Fact]
    public async Task StreamAsync_PerCallInfiniteIdleTimeout_TurnsItOff()
    {
        var time = new ManualTimeProvider();
        var release = new SemaphoreSlim(0);
        await using TestServer server = await StartAsync(events: 1, release);
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.Idle = TimeSpan.FromSeconds(1));
        var options = new StreamOptions { IdleTimeout = Infinite };
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, options).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> next = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromDays(1));
        release.Release();

        Assert.True(await next.WaitAsync(StreamCollect.Limit));
    }

    [Fact]
    public async Task StreamAsync_ServerTricklesOneEventForever_StillHitsIdleTimeout()
    {
        var time = new ManualTimeProvider();
        var gate = new SemaphoreSlim(0);
        var wrote = new SemaphoreSlim(0);
        int trickled = 0;
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await StreamServer.WriteAsync(context, "id: 1\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
            byte[] start = StreamServer.Utf8("data: {\"id\":2,\"text\":\"");
            for (int i = 0; ; i++)
            {
                await gate.WaitAsync(context.RequestAborted);
                await StreamServer.WriteAsync(context, i < start.Length ? start.AsMemory(i, 1) : "x"u8.ToArray());
                Interlocked.Increment(ref trickled);
                wrote.Release();
            }
        }));
        await using SdkClient client = StreamTestClient.Create(server, time, t => t.Idle = TimeSpan.FromSeconds(5));
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> next = items.MoveNextAsync().AsTask();
        for (int step = 0; step < 10 && !next.IsCompleted; step++)
        {
            gate.Release(); // one more byte of the never-ending event, then 1.5 s pass
            await Task.WhenAny(wrote.WaitAsync(StreamCollect.Limit), next);
            time.Advance(TimeSpan.FromSeconds(1.5));
        }

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => next.WaitAsync(StreamCollect.Limit));
        Assert.Equal(TimeoutKind.Idle, error.Kind);
        Assert.InRange(Volatile.Read(ref trickled), 3, 10); // bytes kept arriving while the limit ran out
    }

    /// <summary>
    /// A server that sends <paramref name="events"/> events at once, then one more event each time <paramref name="release"/>
    /// is released (or nothing more when it is <see langword="null"/>), and never ends the body.
    /// </summary>
    private static Task<TestServer> StartAsync(int events, SemaphoreSlim? release = null) =>
        TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            int id = 0;
            while (id < events)
            {
                id++;
                await StreamServer.WriteAsync(context, $"id: {id}\ndata: {{\"id\":{id},\"text\":\"t\"}}\n\n");
            }

            while (release is not null)
            {
                await release.WaitAsync(context.RequestAborted);
                id++;
                await StreamServer.WriteAsync(context, $"id: {id}\ndata: {{\"id\":{id},\"text\":\"t\"}}\n\n");
            }

            await StreamServer.WaitForAbortAsync(context);
        }));
}
