using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Errors;

/// <summary>
/// Reading an error body that goes wrong (cut off, stalled, or the caller cancels meanwhile): the call still ends with a
/// typed outcome, within its timeout, with the connection released.
/// </summary>
public sealed class ErrorBodyReadTests
{
    [Fact]
    public async Task SendAsync_ErrorBodyCutOff_StillThrowsApiExceptionWithStatus()
    {
        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/fail", async (HttpContext context) =>
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("{\"error\":{\"mess", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await reset.Task.WaitAsync(CoreAsync.Bound, context.RequestAborted);
            context.Abort();
        }));
        var transport = new CoreObservedTransport();
        await using SdkClient client = ObservedClient(server, transport);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("fail"), TestJson.Default.Item);
        await transport.BodyReadStarted.WaitAsync(CoreAsync.Bound);
        reset.SetResult();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Null(error.RawBody);
        Assert.StartsWith("GET fail returned 500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ErrorBodyStalls_EndsAtTotalTimeoutWithApiException()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await StartStalledErrorAsync();
        var transport = new CoreObservedTransport();
        await using SdkClient client = ObservedClient(server, transport, o =>
        {
            o.TimeProvider = time;
            o.Timeouts = new TimeoutOptions { Connect = Timeout.InfiniteTimeSpan, Attempt = TimeSpan.FromSeconds(10), Total = TimeSpan.FromSeconds(30) };
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("fail"), TestJson.Default.Item);
        await transport.BodyReadStarted.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    /// <summary>
    /// The caller's token fires while the SDK reads an error body: the caller asked to stop, so the documented outcome is
    /// OperationCanceledException carrying that token, as in every other phase of the call.
    /// </summary>
    [Fact]
    public async Task SendAsync_CallerCancelsWhileErrorBodyStalls_ThrowsOperationCanceled()
    {
        await using TestServer server = await StartStalledErrorAsync();
        var transport = new CoreObservedTransport();
        await using SdkClient client = ObservedClient(server, transport);
        using var cts = new CancellationTokenSource();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("fail"), TestJson.Default.Item, cts.Token);
        await transport.BodyReadStarted.WaitAsync(CoreAsync.Bound);
        await cts.CancelAsync();

        Exception? error = await Record.ExceptionAsync(() => call.WaitAsync(CoreAsync.Bound));
        OperationCanceledException canceled = Assert.IsType<OperationCanceledException>(error, exactMatch: false);
        Assert.Equal(cts.Token, canceled.CancellationToken);
    }

    private static SdkClient ObservedClient(TestServer server, CoreObservedTransport transport, Action<ClientOptions>? configure = null)
    {
        // The 503 must reach the caller as it is (retries have their own tests).
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Retry = { MaxRetries = 0 } };
        configure?.Invoke(options);
        return SdkClient.CreateBuilder(options).UseTransport(transport, disposeTransport: true).Build();
    }

    /// <summary>A 503 whose body starts and then stalls until the client goes away.</summary>
    private static Task<TestServer> StartStalledErrorAsync() => TestServer.StartAsync(app => app.MapGet("/v1/fail", async (HttpContext context) =>
    {
        context.Response.StatusCode = 503;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"error\":{\"message\":\"overloa", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await CoreResponses.WaitForAbortAsync(context);
    }));
}
