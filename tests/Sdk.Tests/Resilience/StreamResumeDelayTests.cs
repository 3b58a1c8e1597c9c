using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// How long a resume waits: the first reconnect after a break waits for the server's SSE <c>retry:</c> interval (capped by
/// <see cref="ResumeOptions.MaxServerRetryInterval"/>), and the caller can cancel while it waits. On the manual clock.
/// </summary>
public sealed class StreamResumeDelayTests
{
    [Theory]
    [InlineData(1500, 30_000, 1500)]
    [InlineData(60_000, 2_000, 2_000)]
    public async Task StreamAsync_ServerSentRetryField_ResumeWaitsForItCappedAtMaxServerRetryInterval(int retryMs, int capMs, int expectedMs)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 4, DropPlan = c => c == 1 ? 2 : null, RetryMilliseconds = retryMs });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Resume.MaxServerRetryInterval = TimeSpan.FromMilliseconds(capMs));
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        Task<List<int>> read = ReadIdsAsync(stream);
        await sse.Log.WaitForAsync(1);

        // Not sent 1 ms before the interval, sent at it.
        ChaosRequest resume = await time.AdvanceThroughBackoffAsync(sse.Log, TimeSpan.FromMilliseconds(expectedMs));

        Assert.Equal("2", resume.Header("Last-Event-ID"));
        Assert.Equal([1, 2, 3, 4], await read);
        Assert.Equal(2, sse.Log.Count);
        Assert.Equal(1, stream.Resumes);
        Assert.Equal(TimeSpan.FromMilliseconds(retryMs), stream.ReconnectionInterval);
    }

    [Fact]
    public async Task StreamAsync_CanceledDuringResumeBackoff_ThrowsCanceledPromptlyWithoutAnotherRequest()
    {
        var time = new ManualTimeProvider();
        using var cts = new CancellationTokenSource();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 4, DropPlan = c => c == 1 ? 2 : null, RetryMilliseconds = 5000 });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item, cancellationToken: cts.Token);

        Task<(List<int> Ids, Exception? Error)> read = DrainIdsAsync(stream);
        await time.WaitForBackoffAsync(); // waiting the server's 5 s before resuming
        await cts.CancelAsync();

        // The clock never moves: only the cancellation can end the wait.
        (List<int> ids, Exception? error) = await read;

        OperationCanceledException canceled = Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(cts.Token, canceled.CancellationToken);
        Assert.Equal([1, 2], ids);
        Assert.Equal(1, sse.Log.Count);
        Assert.Equal(0, time.ActiveTimers); // the back-off and the call's own timer are gone: nothing can send later
        Assert.Equal(0, stream.Resumes);
    }
}
