using System.Diagnostics;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in request id plugin (src/Sdk/Plugins/BuiltIn/RequestIdPlugin.cs): one <c>X-Client-Request-Id</c> per call, the
/// same on each attempt; the ambient scope's id; the request's own header; a custom header name; the activity tag.
/// </summary>
public sealed class RequestIdPluginTests
{
    private const string Header = "X-Client-Request-Id";

    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, Action<ClientOptions>? configure = null) =>
        ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });

    private static void AssertUuid(string? id)
    {
        Assert.True(Guid.TryParse(id, out Guid parsed), $"id '{id}'");
        Assert.Equal(4, parsed.Version);
    }

    [Fact]
    public async Task RetriedCall_SendsTheSameIdOnEveryAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        string? id = script.Log[1].Header(Header);
        AssertUuid(id);
        Assert.Equal(id, script.Log[2].Header(Header));
    }

    [Fact]
    public async Task ResumedStream_SendsTheSameIdOnEveryConnection()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 6, DropEvery = 2 });
        await using SdkClient client = Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<Item> items = await stream.ToListBoundedAsync();

        Assert.Equal(6, items.Count);
        Assert.Equal(3, stream.Resumes);
        Assert.Equal(4, sse.Log.Count);
        string? id = sse.Log[1].Header(Header);
        AssertUuid(id);
        Assert.All(sse.Log.Requests, r => Assert.Equal(id, r.Header(Header)));
    }

    [Fact]
    public async Task TwoCalls_GetDifferentIds()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        AssertUuid(script.Log[1].Header(Header));
        AssertUuid(script.Log[2].Header(Header));
        Assert.NotEqual(script.Log[1].Header(Header), script.Log[2].Header(Header));
    }

    [Fact]
    public async Task BeginScope_NestedScopesAreUsedInsideAndRestoredOnDispose()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        Task Call() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Null(RequestIdPlugin.CurrentScopeId);
        using (RequestIdPlugin.BeginScope("outer-1"))
        {
            await Call();
            using (RequestIdPlugin.BeginScope("inner-2"))
            {
                Assert.Equal("inner-2", RequestIdPlugin.CurrentScopeId);
                await Call();
            }

            Assert.Equal("outer-1", RequestIdPlugin.CurrentScopeId);
            await Call();
        }

        Assert.Null(RequestIdPlugin.CurrentScopeId);
        await Call();

        Assert.Equal(4, script.Log.Count);
        Assert.Equal(["outer-1", "inner-2", "outer-1"], script.Log.Requests.Take(3).Select(r => r.Header(Header)));
        AssertUuid(script.Log[4].Header(Header));
    }

    [Fact]
    public async Task BeginScope_RetriedCallInsideTheScope_SendsTheScopeIdOnEveryAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        using (RequestIdPlugin.BeginScope("incoming-77"))
        {
            await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        }

        Assert.Equal(["incoming-77", "incoming-77"], script.Log.Requests.Select(r => r.Header(Header)));
    }

    [Fact]
    public void BeginScope_DisposedTwiceOrOutOfOrder_RestoresWhatItFound()
    {
        IDisposable outer = RequestIdPlugin.BeginScope("a");
        IDisposable inner = RequestIdPlugin.BeginScope("b");
        inner.Dispose();
        inner.Dispose(); // the second dispose does nothing
        Assert.Equal("a", RequestIdPlugin.CurrentScopeId);
        outer.Dispose();
        Assert.Null(RequestIdPlugin.CurrentScopeId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    public void BeginScope_InvalidId_Throws(string id)
    {
        Assert.ThrowsAny<ArgumentException>(() => RequestIdPlugin.BeginScope(id));
        Assert.Null(RequestIdPlugin.CurrentScopeId);
    }

    [Theory]
    [InlineData("X-Client-Request-Id")]
    [InlineData("x-client-request-id")]
    public async Task RequestsOwnHeader_WinsOnEveryAttempt(string name)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time);

        using (RequestIdPlugin.BeginScope("scope-id"))
        {
            await client.SendAsync(ApiRequest.Get("r").WithHeader(name, "mine"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        }

        Assert.Equal(["mine", "mine"], script.Log.Requests.Select(r => r.Header(Header)));
    }

    [Fact]
    public async Task ReplacedWithCustomHeaderName_SendsTheIdUnderThatNameOnly()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o => o.Retry.BaseDelay = TimeSpan.Zero))
            .AddPlugin(new RequestIdPlugin("x-my-id"))
            .Build();

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        string? id = script.Log[1].Header("x-my-id");
        AssertUuid(id);
        Assert.Equal(id, script.Log[2].Header("x-my-id"));
        Assert.All(script.Log.Requests, r => Assert.Null(r.Header(Header)));
        Assert.True(client.Plugins.TryGet(BuiltInPlugins.RequestId, out Sdk.Plugins.ISdkPlugin? plugin));
        Assert.IsType<RequestIdPlugin>(plugin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("x-id:")]
    [InlineData("x-id\r\n")]
    public void Constructor_InvalidHeaderName_Throws(string name)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new RequestIdPlugin(name));

        Assert.Equal("headerName", error.ParamName);
    }

    [Fact]
    public async Task CallActivity_IsTaggedWithTheClientRequestId()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        await using SdkClient client = Create(server, time);
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        using (RequestIdPlugin.BeginScope("scoped-activity-id"))
        {
            await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        }

        Assert.Equal(2, telemetry.Calls.Count);
        Activity first = telemetry.Calls[0];
        Assert.Equal("sdk.call", first.OperationName);
        Assert.Equal("Sdk", first.Source.Name);
        string? sent = script.Log[1].Header(Header);
        AssertUuid(sent);
        Assert.Equal(sent, first.GetTagItem("sdk.client_request_id"));
        Assert.Equal("scoped-activity-id", telemetry.Calls[1].GetTagItem("sdk.client_request_id"));
    }
}
