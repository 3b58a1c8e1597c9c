using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>Attempt and total timeouts of unary calls, on a manual clock, against Kestrel.</summary>
public sealed class UnaryTimeoutTests
{
    /// <summary>A server whose <c>/v1/slow</c> never sends headers and whose <c>/v1/stall</c> sends headers and half a body, then waits.</summary>
    private static Task<TestServer> StartAsync(TaskCompletionSource received) => TestServer.StartAsync(app =>
    {
        app.MapGet("/v1/slow", async (HttpContext context) =>
        {
            received.TrySetResult();
            await CoreResponses.WaitForAbortAsync(context);
        });
        app.MapGet("/v1/stall", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"id\":1,\"te", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            received.TrySetResult();
            await CoreResponses.WaitForAbortAsync(context);
        });
    });

    private static ClientOptions Options(TestServer server, ManualTimeProvider time, TimeSpan attempt, TimeSpan total) => new()
    {
        BaseAddress = new Uri(server.BaseAddress, "v1/"),
        TimeProvider = time,
        Timeouts = { Connect = Timeout.InfiniteTimeSpan, Attempt = attempt, Total = total },
        Retry = { MaxRetries = 0 }, // one attempt's timeouts; retries have their own tests
    };

    [Fact]
    public async Task SendAsync_ServerDelaysHeaders_ThrowsAttemptTimeoutOnlyWhenLimitPasses()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow"), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
        Assert.StartsWith("GET slow timed out", error.Message, StringComparison.Ordinal);
        Assert.IsType<OperationCanceledException>(error.InnerException, exactMatch: false);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Fact]
    public async Task SendAsync_BodyStallsAfterHeaders_ThrowsTotalTimeoutNotAttempt()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        var transport = new CoreObservedTransport();
        await using SdkClient client = SdkClient.CreateBuilder(Options(server, time, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)))
            .UseTransport(transport, disposeTransport: true)
            .Build();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("stall"), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        await transport.BodyReadStarted.WaitAsync(CoreAsync.Bound);

        // Past the attempt limit: the attempt ended at the headers, so nothing fires.
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), error.Timeout);
        Assert.Contains("GET stall", error.Message, StringComparison.Ordinal);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Fact]
    public async Task SendAsync_BodyStallsOnDefaultTransport_ThrowsTotalTimeout()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(30)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("stall"), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(30));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
    }

    [Fact]
    public async Task SendAsync_WithAttemptTimeout_OverridesClientAttemptTimeout()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(10)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow").WithAttemptTimeout(TimeSpan.FromSeconds(2)), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(2));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.Timeout);
    }

    [Fact]
    public async Task SendAsync_WithInfiniteAttemptTimeout_WaitsForTotal()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow").WithAttemptTimeout(Timeout.InfiniteTimeSpan), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(60), error.Timeout);
    }

    [Fact]
    public async Task SendAsync_WithTimeoutShorterThanAttempt_ThrowsTotalWithRequestValue()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(10)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow").WithTimeout(TimeSpan.FromSeconds(3)), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(3));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), error.Timeout);
    }

    [Fact]
    public async Task SendAsync_WithTimeoutLongerThanClientTotal_AllowsTheLongerCall()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(Options(server, time, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(10)));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow").WithTimeout(TimeSpan.FromSeconds(120)), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal((TimeoutKind.Total, TimeSpan.FromSeconds(120)), (error.Kind, error.Timeout));
    }

    [Fact]
    public async Task SendAsync_CompletedCall_ReleasesItsTimer()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item)));
        await using SdkClient client = SdkClient.Create(Options(server, time, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)));

        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(0, time.ActiveTimers);
    }
}
