using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>A call waiting between attempts ends at once when the caller cancels or the client is disposed, and sends nothing more.</summary>
public sealed class RetryCancellationTests
{
    [Fact]
    public async Task SendAsync_CallerCancelsDuringBackoff_ThrowsTheCallersCancellation()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(5), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time);
        using var cts = new CancellationTokenSource();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item, cts.Token);
        await script.Log.WaitForAsync(1);
        await time.WaitForBackoffAsync();
        await cts.CancelAsync();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(cts.Token, error.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_ClientDisposedDuringBackoff_ThrowsObjectDisposed()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(5), ChaosReply.Ok());
        SdkClient client = ChaosClient.Create(server, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.WaitForBackoffAsync();
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.WaitAsync(CoreAsync.Bound));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, script.Log.Count);
    }
}
