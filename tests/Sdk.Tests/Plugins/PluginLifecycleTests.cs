using System.Collections.Concurrent;
using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins;

/// <summary>Build-time validation, lookup by id, eager and lazy starts, and stops at disposal.</summary>
public sealed class PluginLifecycleTests
{
    /// <summary>The built-in plugins of a client without a credential, which run first.</summary>
    private static readonly string[] BuiltIns = [BuiltInPlugins.SdkHeaders, BuiltInPlugins.RequestId, BuiltInPlugins.Idempotency, BuiltInPlugins.Redirects];

    private sealed class CountingPlugin(PluginManifest manifest) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = manifest;

        public int Starts;

        public int Stops;

        public int Requests;

        public void Register(PluginHooks hooks) => hooks.OnRequest((_, _) =>
        {
            Interlocked.Increment(ref Requests);
            return ValueTask.CompletedTask;
        });

        public ValueTask StartAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Starts);
            return ValueTask.CompletedTask;
        }

        public ValueTask StopAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Stops);
            return ValueTask.CompletedTask;
        }
    }

    private static PluginManifest Manifest(string id, int major = 1) => new(id, new SemanticVersion(major));

    [Fact]
    public void Build_MissingDependencyAndCycle_FailsWithOneMessageNamingEveryPluginInvolved()
    {
        var log = new ConcurrentQueue<string>();
        SdkClientBuilder builder = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:9/") })
            .AddPlugin(new StampPlugin(new PluginManifest("cache", new SemanticVersion(1)) { DependsOn = [new PluginDependency("auth", VersionRange.Parse("[2.0,3.0)"))] }, log))
            .AddPlugin(new StampPlugin(new PluginManifest("a", new SemanticVersion(1)) { After = ["b"] }, log))
            .AddPlugin(new StampPlugin(new PluginManifest("b", new SemanticVersion(1)) { After = ["a"] }, log));

        PluginConfigurationException error = Assert.Throws<PluginConfigurationException>(builder.Build);

        Assert.Contains("'cache 1.0.0' depends on 'auth [2.0.0, 3.0.0)', which is not registered.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ordering cycle", error.Message, StringComparison.Ordinal);
        Assert.Equal(["cache", "auth", "a", "b"], error.PluginIds);
    }

    [Fact]
    public async Task Build_EagerPluginsStart_LazyOnesStartBeforeTheirFirstHook_AllStopAtDispose()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Ok());
        var eager = new CountingPlugin(Manifest("eager"));
        var lazy = new CountingPlugin(new PluginManifest("lazy", new SemanticVersion(1)) { Load = PluginLoad.Lazy });
        SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .AddPlugin(eager)
            .AddPlugin(lazy)
            .Build();

        Assert.True(client.Plugins.TryGet("lazy", out ISdkPlugin? found));
        Assert.Same(lazy, found);
        Assert.False(client.Plugins.TryGet("absent", out _));
        Assert.Equal([.. BuiltIns, "eager", "lazy"], client.Plugins.Manifests.Select(m => m.Id));
        Assert.Equal(0, lazy.Starts);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(1, eager.Starts);
        Assert.Equal(1, lazy.Starts);
        Assert.Equal(1, lazy.Requests);
        await client.DisposeAsync();
        Assert.Equal(1, eager.Stops);
        Assert.Equal(1, lazy.Stops);
    }

    [Fact]
    public async Task Build_PluginsRunInDependencyThenDeclaredOrder()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Ok());
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .AddPlugin(new StampPlugin(new PluginManifest("metrics", new SemanticVersion(1)) { Order = 10 }, log))
            .AddPlugin(new StampPlugin(new PluginManifest("cache", new SemanticVersion(1)) { DependsOn = [new PluginDependency("auth")] }, log))
            .AddPlugin(new StampPlugin(new PluginManifest("auth", new SemanticVersion(2)) { Order = 20 }, log))
            .Build();

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal([.. BuiltIns, "metrics", "auth", "cache"], client.Plugins.Manifests.Select(m => m.Id));
        Assert.Equal(["metrics.request(call)", "auth.request(call)", "cache.request(call)"], log.Where(e => e.EndsWith("(call)", StringComparison.Ordinal)));
    }
}
