using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Resume attempts are bounded: failed attempts in a row back off (within <see cref="ResumeOptions.MaxDelay"/>) and after
/// <see cref="ResumeOptions.MaxAttempts"/> of them the caller gets <see cref="StreamInterruptedException"/>; a resume that
/// delivers starts the count again. Resumes that fail are connections the chaos server drops right after the headers.
/// </summary>
public sealed class StreamResumeLimitTests
{
    [Fact]
    public async Task StreamAsync_ResumesKeepFailing_BackOffWithinMaxDelayThenThrowInterruptedAfterMaxAttempts()
    {
        var time = new ManualTimeProvider();
        var recorder = new DelayRecordingTimeProvider(time);
        TimeSpan baseDelay = TimeSpan.FromSeconds(1);
        TimeSpan maxDelay = TimeSpan.FromSeconds(2);
        await using ChaosServer server = await ChaosServer.StartAsync();

        // The first connection delivers 2 events and drops; every later one drops before its first event.
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 10, DropPlan = c => c == 1 ? 2 : 0 });
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.TimeProvider = recorder;
            o.Resume.MaxAttempts = 5;
            o.Resume.BaseDelay = baseDelay;
            o.Resume.MaxDelay = maxDelay;
        });
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        Task<(List<int> Ids, Exception? Error)> read = DrainIdsAsync(stream);

        // The first reconnect does not wait (no retry: field); each later one backs off.
        Assert.Equal("2", (await sse.Log.WaitForAsync(2)).Header("Last-Event-ID"));
        var delays = new List<TimeSpan>();
        for (int attempt = 2; attempt <= 5; attempt++)
        {
            await time.WaitForBackoffAsync();
            TimeSpan delay = recorder.LastCreated;
            delays.Add(delay);
            ChaosRequest next = await time.AdvanceThroughBackoffAsync(sse.Log, delay); // not sent before it, sent at it
            Assert.Equal("2", next.Header("Last-Event-ID"));
        }

        (List<int> ids, Exception? error) = await read;

        // Exponential from BaseDelay (1-2 s, 2-4 s, 4-8 s, 8-16 s with jitter) but never past MaxDelay.
        Assert.All(delays, d => Assert.InRange(d, baseDelay, maxDelay));
        StreamInterruptedException interrupted = Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, interrupted.Reason);
        Assert.Equal(2, interrupted.ItemsDelivered);
        Assert.Equal("2", interrupted.LastEventId);
        Assert.Equal([1, 2], ids);
        Assert.Equal(1 + 5, sse.Log.Count);
        Assert.Equal(0, stream.Resumes);
    }

    [Fact]
    public async Task StreamAsync_MoreFailuresThanMaxAttemptsButEachBreakResumed_CompletesBecauseASuccessfulResumeResetsTheCount()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();

        // Odd connections deliver one event and drop, even ones drop before any: each break takes one failed attempt and one
        // that delivers. 10 failures in all against MaxAttempts = 2.
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, DropPlan = c => c % 2 == 1 ? 1 : 0 });
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Resume.MaxAttempts = 2;
            o.Resume.BaseDelay = TimeSpan.Zero; // no back-off: the test counts attempts, the clock need not move
            o.Resume.MaxDelay = TimeSpan.Zero;
            o.CircuitBreaker.Enabled = false; // half the attempts fail: the breaker would rightly open; not the point here
        });
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<int> ids = await ReadIdsAsync(stream);

        Assert.Equal(Ids(5), ids);
        Assert.Equal(5, stream.Resumes);
        Assert.Equal(10, sse.Drops);
        Assert.Equal(11, sse.Log.Count);
        Assert.True(stream.SawTerminalSentinel);
    }
}
