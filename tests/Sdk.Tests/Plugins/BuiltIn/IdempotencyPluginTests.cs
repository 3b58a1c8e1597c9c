using System.Net;
using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in idempotency plugin (src/Sdk/Plugins/BuiltIn/IdempotencyPlugin.cs) as a plugin: replaced with another header
/// name or other methods, removed, or turned off by <see cref="RetryOptions.AutomaticIdempotencyKeys"/>. What a key does to
/// retries is covered in tests/Sdk.Tests/Resilience/IdempotencyTests.cs.
/// </summary>
public sealed class IdempotencyPluginTests
{
    private static readonly EchoRequest Body = new("order", 1);

    private static SdkClientBuilder Builder(ChaosServer server, ManualTimeProvider time, Action<ClientOptions>? configure = null) =>
        SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        }));

    private static void AssertUuid(string? key)
    {
        Assert.True(Guid.TryParse(key, out Guid parsed), $"key '{key}'");
        Assert.Equal(4, parsed.Version);
    }

    [Fact]
    public async Task ReplacedWithCustomHeader_SendsThatHeaderAndThePostIsRetriedWithTheSameKey()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time).AddPlugin(new IdempotencyPlugin("X-Idem")).Build();

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        string? key = script.Log[1].Header("X-Idem");
        AssertUuid(key);
        Assert.Equal(key, script.Log[2].Header("X-Idem"));
        Assert.All(script.Log.Requests, r => Assert.Null(r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task ReplacedWithCustomHeader_TheRequestsOwnHeaderWinsAndIsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time).AddPlugin(new IdempotencyPlugin("X-Idem")).Build();

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest).WithHeader("x-idem", "mine-1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["mine-1", "mine-1"], script.Log.Requests.Select(r => r.Header("X-Idem")));
    }

    [Fact]
    public async Task RemovePlugin_APostThatGot503IsNotRetriedAndCarriesNoKey()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time).RemovePlugin(BuiltInPlugins.Idempotency).Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() =>
            client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(1, script.Log.Count);
        Assert.Null(script.Log[1].Header("Idempotency-Key"));
        Assert.False(client.Plugins.TryGet(BuiltInPlugins.Idempotency, out _));
    }

    [Fact]
    public async Task RemovePlugin_APostWithItsOwnKeyIsStillRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time).RemovePlugin(BuiltInPlugins.Idempotency).Build();

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest).WithIdempotencyKey("own-9"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["own-9", "own-9"], script.Log.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task AutomaticIdempotencyKeysFalse_RemovesThePlugin()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time, o => o.Retry.AutomaticIdempotencyKeys = false).Build();

        await Assert.ThrowsAsync<ApiException>(() =>
            client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.False(client.Plugins.TryGet(BuiltInPlugins.Idempotency, out _));
        Assert.DoesNotContain(BuiltInPlugins.Idempotency, client.Plugins.Manifests.Select(m => m.Id));
        Assert.Contains(BuiltInPlugins.RequestId, client.Plugins.Manifests.Select(m => m.Id));
        Assert.Equal(1, script.Log.Count);
        Assert.Null(script.Log[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task DefaultClient_UsesTheRetryOptionsHeaderName()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Ok());
        await using SdkClient client = Builder(server, time, o => o.Retry.IdempotencyKeyHeader = "X-Request-Key").Build();

        await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.True(client.Plugins.TryGet(BuiltInPlugins.Idempotency, out ISdkPlugin? plugin));
        Assert.IsType<IdempotencyPlugin>(plugin);
        AssertUuid(script.Log[1].Header("X-Request-Key"));
    }

    [Fact]
    public async Task PostAndPatchMethods_PatchGetsAKeyAndIsRetriedWithIt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders/1", ChaosReply.Status(503), ChaosReply.Ok());
        ChaosScript reads = server.Unary("orders/2", ChaosReply.Ok());
        await using SdkClient client = Builder(server, time)
            .AddPlugin(new IdempotencyPlugin(methods: [HttpMethod.Post, HttpMethod.Patch]))
            .Build();

        await client.SendAsync(ApiRequest.Patch("orders/1", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Get("orders/2"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        string? key = script.Log[1].Header("Idempotency-Key");
        AssertUuid(key);
        Assert.Equal(key, script.Log[2].Header("Idempotency-Key"));
        Assert.Null(reads.Log[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task PatchOnlyMethods_PostGetsNoKeyAndIsNotRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("orders", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time)
            .AddPlugin(new IdempotencyPlugin(methods: [HttpMethod.Patch]))
            .Build();

        await Assert.ThrowsAsync<ApiException>(() =>
            client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(1, script.Log.Count);
        Assert.Null(script.Log[1].Header("Idempotency-Key"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Idempotency Key")]
    [InlineData("key\n")]
    public void Constructor_InvalidHeaderName_Throws(string name)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new IdempotencyPlugin(name));

        Assert.Equal("headerName", error.ParamName);
    }
}
