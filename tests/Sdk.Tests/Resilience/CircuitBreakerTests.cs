using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// The per-endpoint circuit breaker (src/Sdk/Resilience/Endpoint.cs): it opens when enough attempts failed, fails calls fast
/// while open, lets exactly one probe through after the break, and closes or reopens on the probe's outcome. One endpoint,
/// no retries (each call is one attempt), two attempts minimum, ratio 0.5, break 10 s on the manual clock.
/// </summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(10);

    private static SdkClient Create(ChaosServer server, ManualTimeProvider time) => ChaosClient.Create(server, time, o =>
    {
        o.Retry.MaxRetries = 0;
        o.CircuitBreaker.MinimumThroughput = 2;
        o.CircuitBreaker.FailureRatio = 0.5;
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        o.CircuitBreaker.BreakDuration = Break;
    });

    private static Task<ApiResponse<Item>> Call(SdkClient client) => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

    /// <summary>Two failed calls: the second opens the circuit.</summary>
    private static async Task OpenAsync(SdkClient client)
    {
        await Assert.ThrowsAsync<ApiException>(() => Call(client));
        await Assert.ThrowsAsync<ApiException>(() => Call(client));
        Assert.Equal(EndpointState.Open, client.GetEndpointHealth()[0].State);
    }

    [Fact]
    public async Task SendAsync_FailuresReachTheRatio_OpensAndFailsFastWithoutSending()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503));
        await using SdkClient client = Create(server, time);

        await Assert.ThrowsAsync<ApiException>(() => Call(client));
        Assert.Equal(EndpointState.Closed, client.GetEndpointHealth()[0].State); // one attempt is below the minimum
        await Assert.ThrowsAsync<ApiException>(() => Call(client));

        CircuitOpenException error = await Assert.ThrowsAsync<CircuitOpenException>(() => Call(client));
        Assert.Equal(client.BaseAddress, error.Endpoint);
        Assert.Contains("GET r", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_WhileOpen_CircuitOpenExceptionSaysWhenAProbeIsLetThrough()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503));
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);

        time.Advance(TimeSpan.FromSeconds(4));
        CircuitOpenException error = await Assert.ThrowsAsync<CircuitOpenException>(() => Call(client));

        Assert.Equal(TimeSpan.FromSeconds(6), error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_BreakDurationPassed_LetsOneProbeThroughAndItsSuccessCloses()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);

        time.Advance(Break - ChaosClock.Margin);
        await Assert.ThrowsAsync<CircuitOpenException>(() => Call(client));
        Assert.Equal(2, script.Log.Count);
        time.Advance(ChaosClock.Margin);

        ApiResponse<Item> probe = await Call(client);
        Assert.Equal(3, probe.Value.Id);
        Assert.Equal(EndpointState.Closed, client.GetEndpointHealth()[0].State);
        Assert.Equal(4, (await Call(client)).Value.Id); // closed: calls flow again
    }

    [Fact]
    public async Task SendAsync_HalfOpenWithFiftyConcurrentCallers_ExactlyOneReachesTheServer()
    {
        var time = new ManualTimeProvider();
        var releaseProbe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Ok().After(releaseProbe.Task), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);
        time.Advance(Break);

        Task<ApiResponse<Item>> probe = Call(client);
        await script.Log.WaitForAsync(3); // the probe is at the server, its answer held back
        Task<ApiResponse<Item>>[] others = [.. Enumerable.Range(0, 50).Select(_ => Task.Run(() => Call(client)))];
        Exception?[] failures = await Task.WhenAll(others.Select(async t =>
        {
            try
            {
                await t;
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.All(failures, f => Assert.IsType<CircuitOpenException>(f));
        Assert.Equal(3, script.Log.Count);
        releaseProbe.SetResult();
        Assert.Equal(3, (await probe).Value.Id);
        Assert.Equal(EndpointState.Closed, client.GetEndpointHealth()[0].State);
    }

    [Fact]
    public async Task SendAsync_ProbeFails_ReopensForAnotherBreak()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Status(500), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);
        time.Advance(Break);

        ApiException probeError = await Assert.ThrowsAsync<ApiException>(() => Call(client));
        Assert.Equal(500, (int)probeError.StatusCode);
        Assert.Equal(EndpointState.Open, client.GetEndpointHealth()[0].State);
        await Assert.ThrowsAsync<CircuitOpenException>(() => Call(client));
        Assert.Equal(3, script.Log.Count);

        time.Advance(Break);
        Assert.Equal(4, (await Call(client)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_ProbeCancelledByItsCaller_DoesNotLeaveTheCircuitStuck()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Stall(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);
        time.Advance(Break);

        using var cancel = new CancellationTokenSource();
        Task<ApiResponse<Item>> probe = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item, cancel.Token);
        await script.Log.WaitForAsync(3);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(CoreAsync.Bound));

        // The probe told nothing about the endpoint; at the latest after another break, a new probe must be let through.
        time.Advance(Break);
        Assert.Equal(4, (await Call(client)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_ProbeEndsInTotalTimeout_DoesNotLeaveTheCircuitStuck()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Stall(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        await OpenAsync(client);
        time.Advance(Break);

        // A total timeout is the caller's budget, not the endpoint's failure: the breaker does not count it either way.
        Task<ApiResponse<Item>> probe = client.SendAsync(ApiRequest.Get("r").WithTimeout(TimeSpan.FromSeconds(5)), TestJson.Default.Item);
        await script.Log.WaitForAsync(3);
        time.Advance(TimeSpan.FromSeconds(5));
        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => probe.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);

        time.Advance(Break);
        Assert.Equal(4, (await Call(client)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_NonRetryableStatuses_DoNotOpenTheCircuit()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(400), ChaosReply.Status(404), ChaosReply.Status(409), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ApiException>(() => Call(client));
        }

        Assert.Equal(4, (await Call(client)).Value.Id);
        EndpointHealth health = client.GetEndpointHealth()[0];
        Assert.Equal(EndpointState.Closed, health.State);
        Assert.Equal(0, health.Failures); // the server answered: a client error is not the endpoint's failure
    }

    [Fact]
    public async Task SendAsync_BreakerDisabled_NeverFailsFast()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503));
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.Enabled = false;
            o.CircuitBreaker.MinimumThroughput = 2;
        });

        for (int i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ApiException>(() => Call(client));
        }

        Assert.Equal(5, script.Log.Count);
        Assert.Equal(EndpointState.Closed, client.GetEndpointHealth()[0].State);
    }
}
