using System.Diagnostics;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// The computed back-off when the server gives no delay: Polly's exponential back-off with decorrelated jitter, capped by
/// <see cref="RetryOptions.MaxDelay"/>. Each delay is random, so a test reads the delay the SDK chose from its
/// <c>sdk.retry</c> event and checks on the manual clock that exactly that long is waited. What is deterministic about the
/// jitter (Polly's DecorrelatedJitterBackoffV2, with t = attempt + random in [0, 1)): each delay is &gt; 0 and ≤ MaxDelay;
/// the first is below 2·tanh(2)/1.4 ≈ 1.38 × BaseDelay; the sum of the first n delays is 2^t·tanh(√(4t))/1.4 × BaseDelay
/// for t in [n−1, n), so the first three add up to at least 2.83 × BaseDelay. A single later delay may still be shorter than
/// an earlier one: that is the jitter, and no test asserts otherwise.
/// </summary>
public sealed class RetryBackoffTests
{
    private static async Task<List<TimeSpan>> RunThroughRetriesAsync(TimeSpan baseDelay, TimeSpan maxDelay, int retries)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosReply[] replies = [.. Enumerable.Range(0, retries).Select(_ => ChaosReply.Status(503)), ChaosReply.Ok()];
        ChaosScript script = server.Unary("r", replies);
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = baseDelay;
            o.Retry.MaxDelay = maxDelay;
            o.Retry.MaxRetries = retries;
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        var delays = new List<TimeSpan>();
        for (int retry = 1; retry <= retries; retry++)
        {
            await script.Log.WaitForAsync(retry);
            await time.WaitForAsync(_ => telemetry.Events("sdk.retry").Count >= retry);
            ActivityEvent retryEvent = telemetry.Events("sdk.retry")[retry - 1];
            var delay = TimeSpan.FromMilliseconds(Convert.ToDouble(retryEvent.Tags.First(t => t.Key == "delay_ms").Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(delay, TimeSpan.FromTicks(1), maxDelay);
            delays.Add(delay);

            // Exactly the chosen delay is waited: nothing just short of it, the next attempt just after it.
            await time.AdvanceThroughBackoffAsync(script.Log, delay);
        }

        Assert.Equal(retries + 1, (await call.WaitAsync(CoreAsync.Bound)).Value.Id);
        return delays;
    }

    [Fact]
    public async Task SendAsync_NoServerDelay_WaitsTheComputedDelayBeforeEachRetry()
    {
        TimeSpan baseDelay = TimeSpan.FromSeconds(1);

        List<TimeSpan> delays = await RunThroughRetriesAsync(baseDelay, TimeSpan.FromSeconds(30), retries: 3);

        Assert.True(delays[0] < baseDelay * 1.38, $"first delay {delays[0]}");
        TimeSpan sum = delays[0] + delays[1] + delays[2];
        Assert.InRange(sum, baseDelay * 2.83, baseDelay * 5.71); // grows exponentially: the median sum is about 4 × BaseDelay
    }

    [Fact]
    public async Task SendAsync_ComputedDelaysAboveMaxDelay_AreCappedAtMaxDelay()
    {
        // BaseDelay may not exceed MaxDelay, so both are 1 s. Uncapped, the first four delays would add up to at least
        // 8·tanh(√12)/1.4 ≈ 5.7 s, so at least one of them would exceed 1 s: that one is cut to exactly 1 s.
        TimeSpan maxDelay = TimeSpan.FromSeconds(1);

        List<TimeSpan> delays = await RunThroughRetriesAsync(maxDelay, maxDelay, retries: 4);

        Assert.All(delays, d => Assert.True(d <= maxDelay, $"delay {d}"));
        Assert.Contains(maxDelay, delays);
    }
}
