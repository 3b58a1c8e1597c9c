using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Mid-stream breaks and stalls are failures of their endpoint (<see cref="SdkClient.GetEndpointHealth"/>), and a stall is
/// resumed like a break. A stream that keeps breaking but keeps resuming counts one success per connection and one failure
/// per break, so it cannot open the circuit on its own.
/// </summary>
public sealed class StreamResumeHealthTests
{
    [Fact]
    public async Task StreamAsync_BreaksAfterEveryEvent_EachBreakCountsAsAFailureAndTheCircuitStaysClosed()
    {
        const int Events = 30;
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = Events, DropEvery = 1 });

        // The default breaker: opens at a failure ratio of 0.5 over 30 s once 10 attempts were seen; the clock stands still.
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = stream.GetAsyncEnumerator();

        for (int k = 1; k <= Events; k++)
        {
            Assert.True(await StreamCollect.NextAsync(items));
            Assert.Equal(k, items.Current.Id);
            EndpointHealth health = client.GetEndpointHealth()[0];
            Assert.Equal(k - 1, health.Failures); // the breaks so far
            Assert.Equal((2 * k) - 1, health.Attempts); // and the connections
            Assert.Equal(EndpointState.Closed, health.State);
        }

        Assert.False(await StreamCollect.NextAsync(items));
        EndpointHealth end = client.GetEndpointHealth()[0];
        Assert.Equal(Events, end.Failures);
        Assert.Equal((2 * Events) + 1, end.Attempts);
        Assert.Equal(EndpointState.Closed, end.State);
        Assert.Equal(Events, stream.Resumes);
        Assert.Equal(Events, sse.Drops);
    }

    [Theory]
    [InlineData(false, true)] // no SSE ids and no resume strategy
    [InlineData(true, false)] // resume turned off
    public async Task StreamAsync_BreakThatIsNotResumed_StillCountsAsAFailureOfTheEndpoint(bool ids, bool resume)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("events", new ChaosSse { Events = 5, DropEvery = 2, OmitIds = !ids });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Resume.Enabled = resume);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        (List<int> delivered, Exception? error) = await DrainIdsAsync(stream);

        Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal([1, 2], delivered);
        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(2, health.Attempts); // the connection's success, then its break
        Assert.Equal(1, health.Failures);
        Assert.Equal(nameof(StreamInterruptedException), health.LastError);
    }

    [Fact]
    public async Task StreamAsync_StallWithResumeOff_ThrowsIdleTimeoutAndCountsAFailure()
    {
        TimeSpan idle = TimeSpan.FromSeconds(5);
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, StallAfter = 1 });
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Timeouts.Idle = idle;
            o.Resume.Enabled = false;
        });
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = stream.GetAsyncEnumerator();
        Assert.True(await StreamCollect.NextAsync(items));

        Task<bool> second = items.MoveNextAsync().AsTask();
        time.Advance(idle);

        SdkTimeoutException timeout = await Assert.ThrowsAsync<SdkTimeoutException>(() => second.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Idle, timeout.Kind);
        Assert.Equal(1, sse.Log.Count);
        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(1, health.Failures);
        Assert.Equal("Idle timeout", health.LastError);
    }

    [Fact]
    public async Task StreamAsync_StallsMidStreamPastIdleLimit_ResumesDeliversEverythingOnceAndCountsAFailure()
    {
        TimeSpan idle = TimeSpan.FromSeconds(5);
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();

        // The first connection sends 3 events and then nothing; the resumed one sends 4 and 5 (fewer than 3: no stall).
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, StallAfter = 3 });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Timeouts.Idle = idle);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = stream.GetAsyncEnumerator();
        var ids = new List<int>();
        for (int k = 1; k <= 3; k++)
        {
            Assert.True(await StreamCollect.NextAsync(items));
            ids.Add(items.Current.Id);
        }

        // Waiting for event 4 on the stalled connection: the gap limit runs on the manual clock.
        Task<bool> fourth = items.MoveNextAsync().AsTask();
        time.Advance(idle - ChaosClock.Margin);
        Assert.False(fourth.IsCompleted);
        Assert.Equal(1, sse.Log.Count);
        time.Advance(ChaosClock.Margin);

        ChaosRequest resume = await sse.Log.WaitForAsync(2);
        Assert.True(await fourth.WaitAsync(CoreAsync.Bound)); // resumed, not failed
        ids.Add(items.Current.Id);
        while (await StreamCollect.NextAsync(items))
        {
            ids.Add(items.Current.Id);
        }

        Assert.Equal("3", resume.Header("Last-Event-ID"));
        Assert.Equal(Ids(5), ids);
        Assert.Equal(1, stream.Resumes);
        Assert.Equal(2, sse.Log.Count);
        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(1, health.Failures);
        Assert.Equal("Idle timeout", health.LastError);
    }
}
