using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Failover to <see cref="ClientOptions.FallbackAddresses"/> (src/Sdk/Resilience/EndpointSet.cs and the failover rule of
/// RetryPolicy): an attempt that fails on one endpoint moves to the next without waiting, and an endpoint whose circuit is
/// open is skipped. The clock never moves in these tests, so any back-off the SDK waited would hang the call.
/// </summary>
public sealed class FailoverTests
{
    private static Uri ClosedPort() => new($"http://127.0.0.1:{CoreUnansweredListener.GetClosedPort()}/");

    [Fact]
    public async Task SendAsync_PrimaryRefusesConnections_ThirtyCallsAllSucceedOnTheFallback()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        ChaosScript script = fallback.Unary("r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(ClosedPort(), time, o => o.FallbackAddresses.Add(fallback.BaseAddress)));

        for (int i = 1; i <= 30; i++)
        {
            ApiResponse<Item> response = await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));
            Assert.Equal(i, response.Value.Id);
        }

        Assert.Equal(30, script.Log.Count);
        IReadOnlyList<EndpointHealth> health = client.GetEndpointHealth();
        Assert.Equal(EndpointState.Open, health[0].State); // opened after the default minimum of 10 attempts
        Assert.Equal(10, health[0].Attempts);
        Assert.Equal(EndpointState.Closed, health[1].State);
        Assert.Equal(30, health[1].Attempts);
        Assert.Equal(0, health[1].Failures);
        Assert.False(health[1].IsPrimary);
    }

    [Fact]
    public async Task SendAsync_PrimaryCircuitOpen_LaterCallsGoStraightToTheFallback()
    {
        var time = new ManualTimeProvider();
        await using ChaosResettingListener primary = ChaosResettingListener.Start();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        ChaosScript script = fallback.Unary("r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o =>
        {
            o.FallbackAddresses.Add(fallback.BaseAddress);
            o.CircuitBreaker.MinimumThroughput = 3;
        }));

        for (int i = 0; i < 20; i++)
        {
            await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));
        }

        Assert.Equal(3, primary.Accepted); // connections stopped once its circuit opened
        Assert.Equal(EndpointState.Open, client.GetEndpointHealth()[0].State);
        Assert.Equal(20, script.Log.Count);
        Assert.All(script.Log.Requests.Take(3), r => Assert.Equal("1", r.Header("x-retry-count"))); // the second attempt of each call
        Assert.All(script.Log.Requests.Skip(3), r => Assert.Null(r.Header("x-retry-count"))); // the first and only attempt
    }

    [Fact]
    public async Task SendAsync_PrimaryAnswers503_FallbackIsTriedAtOnce()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        ChaosScript down = primary.Unary("r", ChaosReply.Status(503));
        ChaosScript up = fallback.Unary("r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o => o.FallbackAddresses.Add(fallback.BaseAddress)));

        ApiResponse<Item> response = await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));

        Assert.Equal(1, response.Value.Id);
        Assert.Equal(1, down.Log.Count);
        Assert.Equal(1, up.Log.Count);
    }

    [Fact]
    public async Task SendAsync_PrimaryAsksToWait_FallbackIsTriedWithoutWaiting()
    {
        // The primary's Retry-After is about the primary; the fallback has not failed, so nothing needs to be waited for it.
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        primary.Unary("r", ChaosReply.Status(429).WithRetryAfter(5));
        ChaosScript up = fallback.Unary("r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o => o.FallbackAddresses.Add(fallback.BaseAddress)));

        ApiResponse<Item> response = await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));

        Assert.Equal(1, response.Value.Id);
        Assert.Equal(1, up.Log.Count);
    }

    [Fact]
    public async Task SendAsync_PrimaryAsksToWaitBeyondMaxDelay_FallbackStillServesTheCall()
    {
        // A delay beyond MaxDelay ends retrying on the endpoint that asked for it; a healthy fallback can still serve the call.
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        primary.Unary("r", ChaosReply.Status(503).WithRetryAfter(3600));
        ChaosScript up = fallback.Unary("r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o => o.FallbackAddresses.Add(fallback.BaseAddress)));

        ApiResponse<Item> response = await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));

        Assert.Equal(1, response.Value.Id);
        Assert.Equal(1, up.Log.Count);
    }

    [Fact]
    public async Task SendAsync_TwoFallbacksFirstDown_TriesEachInOrder()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer second = await ChaosServer.StartAsync();
        await using ChaosServer third = await ChaosServer.StartAsync();
        ChaosScript a = primary.Unary("v1/r", ChaosReply.Status(502));
        ChaosScript b = second.Unary("v1/r", ChaosReply.Reset());
        ChaosScript c = third.Unary("v1/r", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(new Uri(primary.BaseAddress, "v1/"), time, o =>
        {
            o.FallbackAddresses.Add(new Uri(second.BaseAddress, "v1"));
            o.FallbackAddresses.Add(new Uri(third.BaseAddress, "v1/"));
        }));

        await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));

        Assert.Equal([1, 1, 1], new[] { a.Log.Count, b.Log.Count, c.Log.Count });
        Assert.Equal("1", b.Log[1].Header("x-retry-count"));
        Assert.Equal("2", c.Log[1].Header("x-retry-count"));
    }

    [Fact]
    public async Task SendAsync_EveryCircuitOpen_FailsFastNamingThePrimary()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        ChaosScript a = primary.Unary("r", ChaosReply.Status(503));
        ChaosScript b = fallback.Unary("r", ChaosReply.Status(503));
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o =>
        {
            o.FallbackAddresses.Add(fallback.BaseAddress);
            o.Retry.MaxRetries = 1; // one attempt on each endpoint per call
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
        }));

        await Assert.ThrowsAsync<ApiException>(() => time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item)));
        await Assert.ThrowsAsync<ApiException>(() => time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item)));
        time.Advance(TimeSpan.FromSeconds(3));
        CircuitOpenException error = await Assert.ThrowsAsync<CircuitOpenException>(() => time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item)));

        Assert.Equal(primary.BaseAddress, error.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal([2, 2], new[] { a.Log.Count, b.Log.Count });
    }
}
