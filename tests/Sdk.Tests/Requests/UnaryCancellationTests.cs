using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>The caller's token: it surfaces as OperationCanceledException carrying that token, never as an SdkException.</summary>
public sealed class UnaryCancellationTests
{
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
            await context.Response.WriteAsync("{\"id\":1,", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            received.TrySetResult();
            await CoreResponses.WaitForAbortAsync(context);
        });
    });

    [Theory]
    [InlineData("slow")]
    [InlineData("stall")]
    public async Task SendAsync_CallerCancelsWhileWaiting_ThrowsOperationCanceledWithCallerToken(string path)
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), TimeProvider = new ManualTimeProvider() });
        using var cts = new CancellationTokenSource();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get(path), TestJson.Default.Item, cts.Token);
        await received.Task.WaitAsync(CoreAsync.Bound);
        await cts.CancelAsync();

        Exception error = await Record.ExceptionAsync(() => call.WaitAsync(CoreAsync.Bound));
        OperationCanceledException canceled = Assert.IsType<OperationCanceledException>(error, exactMatch: false);
        Assert.Equal(cts.Token, canceled.CancellationToken);
        Assert.False(error is SdkException);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Fact]
    public async Task SendAsync_TokenAlreadyCanceled_ThrowsOperationCanceledAndSendsNothing()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.SendAsync(ApiRequest.Get("slow"), TestJson.Default.Item, cts.Token).WaitAsync(CoreAsync.Bound));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.False(received.Task.IsCompleted);
    }

    [Fact]
    public async Task SendAsync_NonGenericCallerCancels_ThrowsOperationCanceledWithCallerToken()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        using var cts = new CancellationTokenSource();

        Task<ApiResponse> call = client.SendAsync(ApiRequest.Get("slow"), cts.Token);
        await received.Task.WaitAsync(CoreAsync.Bound);
        await cts.CancelAsync();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsAfterTimeoutAlreadyFired_StillReportsTimeout()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await StartAsync(received);
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            TimeProvider = time,
            Retry = { MaxRetries = 0 }, // one attempt; retries have their own tests
            Timeouts = { Connect = TimeSpan.FromSeconds(1), Attempt = TimeSpan.FromSeconds(5) },
        });
        using var cts = new CancellationTokenSource();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow"), TestJson.Default.Item, cts.Token);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(5));
        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        await cts.CancelAsync();

        Assert.Equal(TimeoutKind.Attempt, error.Kind);
    }
}
