using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Unsafe methods (src/Sdk/Resilience/CallAttempts.cs): a POST gets an automatic idempotency key, the same on every attempt;
/// a caller's key wins; POST and PATCH without a key are retried only when the request never left the client.
/// </summary>
public sealed class IdempotencyTests
{
    private static readonly EchoRequest Body = new("order", 1);

    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, Action<ClientOptions>? configure = null) =>
        ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task SendAsync_PostRetried_SendsTheSameAutomaticKeyOnEveryAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Reset(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(3, script.Log.Count);
        string? key = script.Log[1].Header("Idempotency-Key");
        Assert.True(Guid.TryParse(key, out Guid parsed), $"key '{key}'");
        Assert.Equal(4, parsed.Version);
        Assert.Equal(0b10, parsed.Variant >> 2); // RFC 9562 variant: 10xx
        Assert.All(script.Log.Requests, r => Assert.Equal(key, r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_TwoPosts_GetDifferentKeys()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        ApiRequest request = ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest);

        await client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.NotNull(script.Log[1].Header("Idempotency-Key"));
        Assert.NotEqual(script.Log[1].Header("Idempotency-Key"), script.Log[2].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task SendAsync_Get_SendsNoKey()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.All(script.Log.Requests, r => Assert.Null(r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_PostWithIdempotencyKey_SendsTheCallersKeyOnEveryAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest).WithIdempotencyKey("order-42"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["order-42", "order-42"], script.Log.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_PostWithOwnKeyHeader_SendsItAndIsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Retry.AutomaticIdempotencyKeys = false);

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest).WithHeader("idempotency-key", "mine"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["mine", "mine"], script.Log.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task SendAsync_CustomKeyHeader_SendsTheKeyUnderThatName()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Retry.IdempotencyKeyHeader = "X-Request-Key");

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.True(Guid.TryParse(script.Log[1].Header("X-Request-Key"), out _));
        Assert.Null(script.Log[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task SendAsync_PatchWithoutKey_IsNotRetriedAfter503()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders/1", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() =>
            client.SendAsync(ApiRequest.Patch("orders/1", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(503, (int)error.StatusCode);
        Assert.Equal(1, script.Log.Count);
        Assert.Null(script.Log[1].Header("Idempotency-Key")); // PATCH never gets one automatically
    }

    [Fact]
    public async Task SendAsync_PatchWithKey_IsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders/1", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Patch("orders/1", Body, TestJson.Default.EchoRequest).WithIdempotencyKey("k1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_PostWithoutAutomaticKeys_IsNotRetriedAfter503()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Retry.AutomaticIdempotencyKeys = false);

        await Assert.ThrowsAsync<ApiException>(() =>
            client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(1, script.Log.Count);
        Assert.Null(script.Log[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task SendAsync_PostWithoutKey_IsNotRetriedAfterResetBeforeHeaders()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Reset(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Retry.AutomaticIdempotencyKeys = false);

        // The request reached the server before the connection broke: repeating it could repeat its effect.
        await Assert.ThrowsAsync<TransportException>(() =>
            client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_PatchWithoutKey_IsNotRetriedAfterAttemptTimeout()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders/1", ChaosReply.Stall(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, o => o.Timeouts.Attempt = TimeSpan.FromSeconds(5));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Patch("orders/1", Body, TestJson.Default.EchoRequest), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_PostWithoutKey_ConnectionRefused_IsRetriedOnTheFallback()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        ChaosScript script = fallback.Unary("orders", ChaosReply.Ok());
        var closed = new Uri($"http://127.0.0.1:{CoreUnansweredListener.GetClosedPort()}/");
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(closed, time, o =>
        {
            o.FallbackAddresses.Add(fallback.BaseAddress);
            o.Retry.AutomaticIdempotencyKeys = false;
        }));

        // The refused connection proves the request never left the client: sending it elsewhere cannot repeat its effect.
        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(1, response.Value.Id);
        ChaosRequest received = Assert.Single(script.Log.Requests);
        Assert.Equal("""{"text":"order","count":1}""", received.Body);
        Assert.Null(received.Header("Idempotency-Key"));
        Assert.Equal("1", received.Header("x-retry-count"));
    }
}
