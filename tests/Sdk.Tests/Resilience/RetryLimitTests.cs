using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary><see cref="RetryOptions.MaxRetries"/> and <see cref="ApiRequest.WithMaxRetries"/> bound the attempts of a call.</summary>
public sealed class RetryLimitTests
{
    private static async Task<(ApiException Error, int Requests)> SendToAlways503Async(Action<ClientOptions> configure, Func<ApiRequest, ApiRequest>? refine = null)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503));
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero; // retries follow at once
            configure(o);
        });
        ApiRequest request = ApiRequest.Get("r");
        request = refine?.Invoke(request) ?? request;

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        return (error, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_DefaultOptions_MakesFourAttempts()
    {
        (ApiException error, int requests) = await SendToAlways503Async(_ => { });

        Assert.Equal(503, (int)error.StatusCode);
        Assert.Equal(4, requests);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(5, 6)]
    public async Task SendAsync_ClientMaxRetries_BoundsAttempts(int maxRetries, int expectedRequests)
    {
        (_, int requests) = await SendToAlways503Async(o => o.Retry.MaxRetries = maxRetries);

        Assert.Equal(expectedRequests, requests);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(6, 7)]
    public async Task SendAsync_WithMaxRetries_OverridesClientLimit(int maxRetries, int expectedRequests)
    {
        (_, int requests) = await SendToAlways503Async(o => o.Retry.MaxRetries = 3, r => r.WithMaxRetries(maxRetries));

        Assert.Equal(expectedRequests, requests);
    }

    [Fact]
    public async Task SendAsync_RetriesSpent_ErrorIsTheLastAttemptsStatus()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(502), ChaosReply.Status(500));
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.MaxRetries = 2;
        });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(500, (int)error.StatusCode);
        Assert.Equal(3, script.Log.Count);
    }
}
