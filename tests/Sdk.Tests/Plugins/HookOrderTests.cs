using System.Collections.Concurrent;
using Sdk.Plugins;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins;

/// <summary>
/// The exact order of hooks, per call and per attempt, across a retry and a stream resume, with two plugins whose order
/// comes from their manifests (src/Sdk/Plugins/HookRunner.cs and its callers in SdkClient and StreamCall).
/// </summary>
public sealed class HookOrderTests
{
    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, ConcurrentQueue<string> log) =>
        SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o => o.Retry.BaseDelay = TimeSpan.Zero))
            .AddPlugin(new StampPlugin(new PluginManifest("b", new SemanticVersion(1)) { After = ["a"] }, log))
            .AddPlugin(StampPlugin.Create("a", log))
            .Build();

    [Fact]
    public async Task SendAsync_RetriedOnce_RunsCallHooksOnceAndAttemptHooksPerAttemptInPluginOrder()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = Create(server, time, log);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(
            [
                "a.request(call)", "b.request(call)",
                "a.request(attempt 1)", "b.request(attempt 1)",
                "a.response(attempt 1: 503)", "b.response(attempt 1: 503)",
                "a.request(attempt 2)", "b.request(attempt 2)",
                "a.response(attempt 2: 200)", "b.response(attempt 2: 200)",
            ],
            log);
    }

    [Fact]
    public async Task SendAsync_Fails_RunsErrorHooksOnceWithTheFinalException()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(404));
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = Create(server, time, log);

        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(
            [
                "a.request(call)", "b.request(call)",
                "a.request(attempt 1)", "b.request(attempt 1)",
                "a.response(attempt 1: 404)", "b.response(attempt 1: 404)",
                "a.error(ApiException)", "b.error(ApiException)",
            ],
            log);
    }

    [Fact]
    public async Task StreamAsync_ResumedAfterADrop_RunsAttemptHooksPerConnectionAndEventHooksOncePerEvent()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("events", new ChaosSse { Events = 3, DropEvery = 2 });
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = Create(server, time, log);

        var ids = new List<int>();
        await foreach (Item item in client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).WithCancellation(new CancellationTokenSource(CoreAsync.Bound).Token))
        {
            ids.Add(item.Id);
        }

        Assert.Equal([1, 2, 3], ids);
        Assert.Equal(
            [
                "a.request(call)", "b.request(call)",
                "a.request(attempt 1)", "b.request(attempt 1)",
                "a.response(attempt 1: 200)", "b.response(attempt 1: 200)",
                "a.event(1)", "b.event(1)",
                "a.event(2)", "b.event(2)",
                "a.request(attempt 2)", "b.request(attempt 2)",
                "a.response(attempt 2: 200)", "b.response(attempt 2: 200)",
                "a.event(3)", "b.event(3)",
            ],
            log);
    }
}
