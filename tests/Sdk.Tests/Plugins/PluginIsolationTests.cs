using Sdk.Plugins;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins;

/// <summary>
/// Optional plugins that throw or hang are contained, counted, disabled after repeated failures and re-enabled after their
/// cool-down (on a manual clock); a required plugin's failure fails the call (src/Sdk/Plugins/PluginGuard.cs).
/// </summary>
public sealed class PluginIsolationTests
{
    private sealed class DelegatePlugin(PluginManifest manifest, Action<PluginHooks> register) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = manifest;

        public void Register(PluginHooks hooks) => register(hooks);
    }

    private static PluginManifest Optional(string id) => new(id, new SemanticVersion(1));

    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, ISdkPlugin plugin, Action<ClientOptions>? configure = null) =>
        SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o =>
            {
                o.Retry.MaxRetries = 0;
                o.Plugins.FailureThreshold = 3;
                o.Plugins.CoolDown = TimeSpan.FromSeconds(30);
                configure?.Invoke(o);
            }))
            .AddPlugin(plugin)
            .Build();

    [Fact]
    public async Task OptionalPluginThrows_CallsSucceed_PluginDisabledAfterThresholdAndReEnabledAfterCoolDown()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", Enumerable.Repeat(ChaosReply.Ok(), 10).ToArray());
        int invoked = 0;
        var plugin = new DelegatePlugin(Optional("flaky"), h => h.OnRequest((_, _) =>
        {
            invoked++;
            throw new InvalidOperationException("boom");
        }));
        await using SdkClient client = Create(server, time, plugin);
        using var watch = new CancellationTokenSource(CoreAsync.Bound);
        await using IAsyncEnumerator<PluginEvent> events = client.Plugins.WatchAsync(watch.Token).GetAsyncEnumerator(watch.Token);
        ValueTask<bool> subscribed = events.MoveNextAsync(); // the subscription starts with the first MoveNextAsync

        for (int i = 0; i < 4; i++)
        {
            await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        }

        Assert.Equal(4, script.Log.Count);
        Assert.Equal(3, invoked); // the fourth call skipped the disabled plugin
        Assert.Equal(
            [PluginEventKind.Failed, PluginEventKind.Failed, PluginEventKind.Failed, PluginEventKind.Disabled],
            await NextKindsAsync(events, 4, subscribed));

        time.Advance(TimeSpan.FromSeconds(30));
        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(4, invoked);
        Assert.Equal([PluginEventKind.ReEnabled, PluginEventKind.Failed], await NextKindsAsync(events, 2));
        Assert.Equal("InvalidOperationException", events.Current.Reason);
        Assert.Equal("flaky", events.Current.PluginId);
    }

    /// <summary>The next <paramref name="count"/> event kinds, leaving out Loaded and Started (their timing against the subscription varies).</summary>
    private static async Task<List<PluginEventKind>> NextKindsAsync(IAsyncEnumerator<PluginEvent> events, int count, ValueTask<bool>? pending = null)
    {
        var kinds = new List<PluginEventKind>();
        while (kinds.Count < count && await (pending ?? events.MoveNextAsync()))
        {
            pending = null;
            if (events.Current.Kind is not (PluginEventKind.Loaded or PluginEventKind.Started))
            {
                kinds.Add(events.Current.Kind);
            }
        }

        return kinds;
    }

    [Fact]
    public async Task OptionalPluginHangs_TheCallCompletesAfterTheHookTimeout()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        var never = new TaskCompletionSource();
        var plugin = new DelegatePlugin(Optional("stuck"), h => h.OnRequest((_, _) => new ValueTask(never.Task)));
        await using SdkClient client = Create(server, time, plugin, o => o.Plugins.HookTimeout = TimeSpan.FromSeconds(2));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await time.WaitForAsync(t => t.ActiveTimers >= 2); // the call's own timer and the hook's timeout
        Assert.False(call.IsCompleted);
        Assert.Equal(0, script.Log.Count);
        time.Advance(TimeSpan.FromSeconds(2));

        ApiResponse<Item> response = await call.WaitAsync(CoreAsync.Bound);
        Assert.Equal(1, response.Value.Id);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task RequiredPluginThrows_TheCallFailsWithPluginExceptionAndNothingIsSent()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        var boom = new InvalidOperationException("boom");
        var plugin = new DelegatePlugin(
            new PluginManifest("auth", new SemanticVersion(2, 1)) { Criticality = PluginCriticality.Required },
            h => h.OnRequest((_, _) => throw boom));
        await using SdkClient client = Create(server, time, plugin);

        PluginException error = await Assert.ThrowsAsync<PluginException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal("auth", error.PluginId);
        Assert.Equal(HookKind.Request, error.Hook);
        Assert.Same(boom, error.InnerException);
        Assert.Contains("'auth'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, script.Log.Count);
    }

    [Fact]
    public async Task OnePluginThrows_TheNextPluginStillRunsAndNeverSeesTheException()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        var seen = new List<string>();
        await using SdkClient client = SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time))
            .AddPlugin(new DelegatePlugin(Optional("first"), h => h.OnRequest((_, _) => throw new InvalidOperationException("boom"))))
            .AddPlugin(new DelegatePlugin(Optional("second"), h => h.OnRequest((c, _) =>
            {
                seen.Add(c.Properties.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                c.Headers.Set("X-Second", "ran");
                return ValueTask.CompletedTask;
            })))
            .Build();

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["0"], seen);
        Assert.Equal("ran", script.Log[1].Header("X-Second"));
    }
}
