using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Which failures are retried (src/Sdk/Resilience/RetryClassifier.cs and the status rules of RetryPolicy), against the chaos
/// server. The computed back-off is zero here (<c>BaseDelay = 0</c>), so a retry follows at once: delays have their own tests.
/// </summary>
public sealed class RetryClassifierTests
{
    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, Action<ClientOptions>? configure = null) =>
        ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task SendAsync_RetryableStatus_IsRetriedAndTheNextAttemptAnswers(int status)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(status), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id); // request 2 answered
        Assert.Equal(2, script.Log.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public async Task SendAsync_NonRetryableStatus_FailsAfterOneRequest(int status)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(status), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(status, (int)error.StatusCode);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_ResetBeforeHeaders_IsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Reset(), ChaosReply.Reset(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(3, response.Value.Id);
        Assert.Equal(3, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsRetriedUntilRetriesAreSpent()
    {
        var time = new ManualTimeProvider();
        var closed = new Uri($"http://127.0.0.1:{CoreUnansweredListener.GetClosedPort()}/");
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(closed, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.MaxRetries = 2;
        }));

        TransportException error = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpRequestError.ConnectionError, Assert.IsType<HttpRequestException>(error.InnerException).HttpRequestError);
        EndpointHealth health = Assert.Single(client.GetEndpointHealth());
        Assert.Equal(3, health.Attempts); // the first attempt and two retries, each refused
        Assert.Equal(3, health.Failures);
    }

    [Fact]
    public async Task SendAsync_ServerResetsRightAfterAccepting_AlwaysFailsAsTransportException()
    {
        // A reset that lands while SocketsHttpHandler finishes its connection setup (it reads the socket's remote endpoint
        // after the SDK's connect callback returned) surfaces there as a bare SocketException. The race is narrow, so the
        // test makes many connections: each must end as the SDK's TransportException, never as a raw socket error.
        var time = new ManualTimeProvider();
        await using ChaosResettingListener listener = ChaosResettingListener.Start(resetAtOnce: true);
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(listener.BaseAddress, time, o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.Enabled = false;
        }));

        for (int i = 0; i < 1000; i++)
        {
            Exception error = await Record.ExceptionAsync(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
            Assert.True(error is TransportException, $"attempt {i}: {error}");
        }
    }

    [Fact]
    public async Task SendAsync_AttemptTimesOutBeforeHeaders_IsRetriedWithANewAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Stall(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Timeouts.Attempt = TimeSpan.FromSeconds(5));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        time.Advance(TimeSpan.FromSeconds(5) - ChaosClock.Margin);
        Assert.False(call.IsCompleted);
        Assert.Equal(1, script.Log.Count); // the attempt timer has not fired: nothing else can have been sent
        time.Advance(ChaosClock.Margin);

        await script.Log.WaitForAsync(2);
        ApiResponse<Item> response = await call.WaitAsync(CoreAsync.Bound);
        Assert.Equal(2, response.Value.Id);
        Assert.Equal("Attempt timeout", client.GetEndpointHealth()[0].LastError);
    }

    [Fact]
    public async Task SendAsync_TotalTimeoutFires_IsNotRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Stall(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o =>
        {
            o.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
            o.Timeouts.Total = TimeSpan.FromSeconds(5);
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(1, script.Log.Count); // the call is over: no attempt can follow
    }

    [Fact]
    public async Task SendAsync_ShouldRetryFalseOnRetryableStatus_IsNotRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithShouldRetry(false), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(503, (int)error.StatusCode);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_ShouldRetryTrueOnNonRetryableStatus_IsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(400).WithShouldRetry(true), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id);
        Assert.Equal(2, script.Log.Count);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    public async Task SendAsync_ShouldRetryNotABoolean_StatusRuleDecides(string value)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript retried = server.Unary("retried", ChaosReply.Status(503).WithHeader("x-should-retry", value), ChaosReply.Ok());
        ChaosScript notRetried = server.Unary("final", ChaosReply.Status(400).WithHeader("x-should-retry", value), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Get("retried"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("final"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(2, retried.Log.Count);
        Assert.Equal(1, notRetried.Log.Count);
    }
}
