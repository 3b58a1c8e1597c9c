using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// <see cref="SdkClient.GetEndpointHealth"/> (src/Sdk/Resilience/EndpointHealth.cs, HealthWindow.cs) and
/// <see cref="SdkClient.WatchEndpointsAsync"/> (EndpointEvent.cs) report the same circuit the calls see.
/// </summary>
public sealed class EndpointHealthTests
{
    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, int minimumThroughput) => ChaosClient.Create(server, time, o =>
    {
        o.Retry.MaxRetries = 0;
        o.CircuitBreaker.MinimumThroughput = minimumThroughput;
        o.CircuitBreaker.FailureRatio = 0.5;
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
    });

    private static async Task CallAsync(SdkClient client)
    {
        try
        {
            await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        }
        catch (SdkException)
        {
            // The outcome is read from the health snapshot.
        }
    }

    [Fact]
    public async Task GetEndpointHealth_NoCallsYet_ReportsAClosedEmptyPrimary()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        await using SdkClient client = Create(server, time, minimumThroughput: 4);

        EndpointHealth health = Assert.Single(client.GetEndpointHealth());

        Assert.Equal(server.BaseAddress, health.Address);
        Assert.True(health.IsPrimary);
        Assert.Equal(EndpointState.Closed, health.State);
        Assert.Equal(0, health.Attempts);
        Assert.Equal(0, health.FailureRatio);
        Assert.Null(health.LastError);
        Assert.Null(health.LastFailureAt);
    }

    [Fact]
    public async Task GetEndpointHealth_HalfTheAttemptsFailed_ReportsCountsAndLastErrorAndStaysClosed()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Ok(), ChaosReply.Status(503), ChaosReply.Ok(), ChaosReply.Status(429), ChaosReply.Status(503));
        await using SdkClient client = Create(server, time, minimumThroughput: 4);
        DateTimeOffset failedAt = time.GetUtcNow();

        for (int i = 0; i < 4; i++)
        {
            await CallAsync(client);
        }

        // 2 of 4 failed: exactly the ratio, which does not open the circuit (it opens above it).
        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(EndpointState.Closed, health.State);
        Assert.Equal(4, health.Attempts);
        Assert.Equal(2, health.Failures);
        Assert.Equal(0.5, health.FailureRatio);
        Assert.Equal("429 TooManyRequests", health.LastError);
        Assert.Equal(failedAt, health.LastFailureAt);

        time.Advance(TimeSpan.FromSeconds(1));
        await CallAsync(client); // 3 of 5 failed: above the ratio

        health = client.GetEndpointHealth()[0];
        Assert.Equal(EndpointState.Open, health.State);
        Assert.Equal(5, health.Attempts);
        Assert.Equal(3, health.Failures);
        Assert.Equal(0.6, health.FailureRatio, precision: 10);
        Assert.Equal("503 ServiceUnavailable", health.LastError);
        Assert.Equal(failedAt.AddSeconds(1), health.LastFailureAt);
    }

    [Fact]
    public async Task GetEndpointHealth_AttemptCancelledByTheCaller_IsNotCountedAsASuccess()
    {
        // The breaker counts neither way an attempt its caller abandoned; the readable view of the same outcomes must not
        // count it as a success either, or a client whose callers give up often would look healthier than the breaker sees it.
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Stall());
        await using SdkClient client = Create(server, time, minimumThroughput: 4);
        await CallAsync(client);

        using var cancel = new CancellationTokenSource();
        Task<ApiResponse<Item>> abandoned = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item, cancel.Token);
        await script.Log.WaitForAsync(2);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(CoreAsync.Bound));

        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(1, health.Failures);
        Assert.Equal(1.0, health.FailureRatio);
    }

    [Fact]
    public async Task GetEndpointHealth_SamplingWindowPassed_ForgetsOldAttemptsButKeepsLastError()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, minimumThroughput: 4);
        await CallAsync(client);
        await CallAsync(client);

        time.Advance(TimeSpan.FromSeconds(31));

        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(0, health.Attempts);
        Assert.Equal(0, health.Failures);
        Assert.Equal("503 ServiceUnavailable", health.LastError);
    }

    [Fact]
    public async Task WatchEndpointsAsync_CircuitOpensProbesAndCloses_EmitsEachTransitionInOrder()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, minimumThroughput: 2);
        using var stop = new CancellationTokenSource(CoreAsync.Bound);
        await using IAsyncEnumerator<EndpointEvent> events = client.WatchEndpointsAsync(stop.Token).GetAsyncEnumerator();
        ValueTask<bool> first = events.MoveNextAsync(); // subscribes

        DateTimeOffset openedAt = time.GetUtcNow();
        await CallAsync(client);
        await CallAsync(client);
        Assert.True(await first);
        EndpointEvent opened = events.Current;
        Assert.Equal(EndpointState.Open, opened.State);
        Assert.Equal(server.BaseAddress, opened.Address);
        Assert.Equal(openedAt, opened.Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(10), opened.BreakDuration);
        Assert.Equal("503 ServiceUnavailable", opened.Reason);
        Assert.Equal(EndpointState.Open, client.GetEndpointHealth()[0].State);

        time.Advance(TimeSpan.FromSeconds(10));
        await CallAsync(client); // the probe succeeds

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(EndpointState.HalfOpen, events.Current.State);
        Assert.Equal(openedAt.AddSeconds(10), events.Current.Timestamp);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(EndpointState.Closed, events.Current.State);
        Assert.Null(events.Current.BreakDuration);
        Assert.Equal(EndpointState.Closed, client.GetEndpointHealth()[0].State);
    }

    [Fact]
    public async Task WatchEndpointsAsync_ClientDisposed_EndsTheSubscription()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        SdkClient client = Create(server, time, minimumThroughput: 2);
        await using IAsyncEnumerator<EndpointEvent> events = client.WatchEndpointsAsync().GetAsyncEnumerator();
        ValueTask<bool> next = events.MoveNextAsync();

        await client.DisposeAsync();

        Assert.False(await next.AsTask().WaitAsync(CoreAsync.Bound));
    }
}
