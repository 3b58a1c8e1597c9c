using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>What each attempt of a retried call sends: the retry-count header (absent on the first) and the same body.</summary>
public sealed class RetryAttemptRequestTests
{
    [Fact]
    public async Task SendAsync_Retried_NumbersEachRetryAndSendsTheSameBody()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("echo", ChaosReply.Status(503), ChaosReply.Reset(), ChaosReply.Status(500), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.Zero);
        ApiRequest request = ApiRequest.Put("echo", new EchoRequest("hello world", 42), TestJson.Default.EchoRequest).WithQuery("q", "a b");

        await client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        IReadOnlyList<ChaosRequest> seen = script.Log.Requests;
        Assert.Equal(4, seen.Count);
        Assert.Null(seen[0].Header("x-retry-count"));
        Assert.Equal(["1", "2", "3"], seen.Skip(1).Select(r => r.Header("x-retry-count")));
        Assert.All(seen, r =>
        {
            Assert.Equal("PUT", r.Method);
            Assert.Equal("?q=a%20b", r.Query);
            Assert.Equal("""{"text":"hello world","count":42}""", r.Body);
            Assert.Equal("application/json", r.Header("Content-Type"));
        });
    }

    [Fact]
    public async Task SendAsync_CustomRetryCountHeader_UsesThatName()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.RetryCountHeader = "X-Stainless-Retry-Count";
        });

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("1", script.Log[2].Header("X-Stainless-Retry-Count"));
        Assert.Null(script.Log[2].Header("x-retry-count"));
    }

    [Fact]
    public async Task SendAsync_RetryCountHeaderNull_SendsNone()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.RetryCountHeader = null;
        });

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        Assert.DoesNotContain(script.Log[2].Headers.Keys, k => k.Contains("retry", StringComparison.OrdinalIgnoreCase));
    }
}
