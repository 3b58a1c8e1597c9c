using System.Threading.RateLimiting;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// The client-side rate limiter (<see cref="ClientOptions.RateLimiter"/>, src/Sdk/SdkClient.RateLimit.cs): one permit per
/// call, taken before the first attempt and outside the retries; a refused permit sends nothing.
/// </summary>
public sealed class RateLimiterTests
{
    private static ConcurrencyLimiter Limiter(int queue) =>
        new(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = queue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });

    [Fact]
    public async Task SendAsync_NoPermitAndNoQueue_FailsWithRateLimitedAndSendsNothing()
    {
        var time = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok().After(release.Task), ChaosReply.Ok());
        using ConcurrencyLimiter limiter = Limiter(queue: 0);
        await using SdkClient client = ChaosClient.Create(server, time, o => o.RateLimiter = limiter);

        Task<ApiResponse<Item>> first = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        RateLimitedException error = await Assert.ThrowsAsync<RateLimitedException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Contains("GET r", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, script.Log.Count);
        release.SetResult();
        Assert.Equal(1, (await first.WaitAsync(CoreAsync.Bound)).Value.Id);

        // The permit came back with the first call's end.
        Assert.Equal(2, (await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_Retried_TakesOnePermitForAllAttempts()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Reset(), ChaosReply.Ok());
        using var limiter = new ChaosCountingLimiter(Limiter(queue: 0));
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.RateLimiter = limiter;
            o.Retry.BaseDelay = TimeSpan.Zero;
        });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(3, response.Value.Id);
        Assert.Equal(1, limiter.Acquires); // with one permit in all, a retry that asked again would have been refused
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task SendAsync_QueueingLimiter_SecondCallWaitsForTheFirst()
    {
        var time = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok().After(release.Task), ChaosReply.Ok());
        using ConcurrencyLimiter limiter = Limiter(queue: 1);
        await using SdkClient client = ChaosClient.Create(server, time, o => o.RateLimiter = limiter);

        Task<ApiResponse<Item>> first = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        Task<ApiResponse<Item>> second = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await time.WaitForAsync(_ => limiter.GetStatistics()!.CurrentQueuedCount == 1);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, script.Log.Count); // queued in the limiter, not sent
        release.SetResult();

        Assert.Equal(1, (await first.WaitAsync(CoreAsync.Bound)).Value.Id);
        Assert.Equal(2, (await second.WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_QueuedPastTheTotalTimeout_ThrowsTotalTimeoutAndSendsNothing()
    {
        var time = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok().After(release.Task), ChaosReply.Ok());
        using ConcurrencyLimiter limiter = Limiter(queue: 1);
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.RateLimiter = limiter;
            o.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
        });

        Task<ApiResponse<Item>> first = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        Task<ApiResponse<Item>> second = client.SendAsync(ApiRequest.Get("r").WithTimeout(TimeSpan.FromSeconds(5)), TestJson.Default.Item);
        await time.WaitForAsync(_ => limiter.GetStatistics()!.CurrentQueuedCount == 1);
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => second.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
        release.SetResult();
        await first.WaitAsync(CoreAsync.Bound);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_TokenBucketEmpty_FailsWithTheLimitersRetryAfter()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            AutoReplenishment = false, // the bucket stays empty: its replenishment runs on real time, not the test's clock
            QueueLimit = 0,
        });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.RateLimiter = limiter);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        RateLimitedException error = await Assert.ThrowsAsync<RateLimitedException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(1, script.Log.Count);
        Assert.Equal(0, client.GetEndpointHealth()[0].Failures); // the endpoint did nothing wrong
    }

    [Fact]
    public async Task SendAsync_CircuitOpen_PermitIsReturned()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503));
        using ConcurrencyLimiter limiter = Limiter(queue: 0);
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.RateLimiter = limiter;
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
        });

        for (int i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        }

        await Assert.ThrowsAsync<CircuitOpenException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
    }
}
