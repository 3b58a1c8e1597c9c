using System.Collections.Concurrent;
using Sdk.Plugins;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins;

/// <summary>
/// Hot swap through <see cref="SdkClient.Plugins"/>: plugins added, replaced and removed while streams run; calls in flight
/// keep the snapshot they started with, and a removed plugin is stopped only after they drained (src/Sdk/Plugins/PluginRegistry.cs).
/// </summary>
public sealed class PluginHotSwapTests
{
    /// <summary>Counts, per stream (its request's X-Stream header), which plugin generation saw each event.</summary>
    private sealed class GenerationPlugin(int generation, ConcurrentDictionary<(string Stream, string Event), int> seen) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = new("generation", new SemanticVersion(1, generation));

        public void Register(PluginHooks hooks) => hooks.OnStreamEvent((c, _) =>
        {
            string stream = c.Request.Headers["X-Stream"];
            if (!seen.TryAdd((stream, c.EventId!), generation))
            {
                throw new InvalidOperationException($"event {c.EventId} of stream {stream} was seen twice");
            }

            return ValueTask.CompletedTask;
        });
    }

    [Fact]
    public async Task ReplaceAThousandTimesUnderEightStreams_NoCallFailsAndEachEventIsSeenByExactlyOneSnapshot()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("events", new ChaosSse { Events = 400, FlushEvery = 1 });
        var seen = new ConcurrentDictionary<(string Stream, string Event), int>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .AddPlugin(new GenerationPlugin(0, seen))
            .Build();
        var failures = new ConcurrentQueue<PluginEvent>();
        using var stop = new CancellationTokenSource(CoreAsync.Bound);
        Task watching = Task.Run(async () =>
        {
            await foreach (PluginEvent e in client.Plugins.WatchAsync(stop.Token).WithCancellation(stop.Token))
            {
                if (e.Kind is PluginEventKind.Failed or PluginEventKind.Disabled)
                {
                    failures.Enqueue(e);
                }
            }
        });

        int swaps = 0;
        using var streamsDone = new CancellationTokenSource();
        Task swapping = Task.Run(async () =>
        {
            while (swaps < 1000 || !streamsDone.IsCancellationRequested)
            {
                await client.Plugins.ReplaceAsync(new GenerationPlugin(++swaps, seen), stop.Token);
            }
        });

        Task<int>[] streams = [.. Enumerable.Range(0, 8).Select(async s =>
        {
            int rounds = 0;
            int items = 0;
            while (!swapping.IsCompleted && (rounds < 3 || Volatile.Read(ref swaps) < 1000))
            {
                string name = $"{s}-{rounds++}";
                await foreach (Item item in client.StreamAsync(ApiRequest.Get("events").WithHeader("X-Stream", name), TestJson.Default.Item).WithCancellation(stop.Token))
                {
                    items++;
                }
            }

            return items;
        })];
        int[] delivered = await Task.WhenAll(streams).WaitAsync(CoreAsync.Bound);
        await streamsDone.CancelAsync();
        await swapping.WaitAsync(CoreAsync.Bound);
        await stop.CancelAsync();
        await watching.ContinueWith(static _ => { }, TaskScheduler.Default);

        Assert.True(swaps >= 1000, $"{swaps} swaps");
        Assert.Empty(failures);
        Assert.All(delivered, n => Assert.Equal(0, n % 400));
        Assert.Equal(delivered.Sum(), seen.Count);
        foreach (IGrouping<string, KeyValuePair<(string Stream, string Event), int>> stream in seen.GroupBy(kv => kv.Key.Stream))
        {
            // A stream keeps the snapshot it started with: every one of its events was seen by the same generation.
            Assert.Single(stream.Select(kv => kv.Value).Distinct());
        }
    }

    [Fact]
    public async Task Remove_StopsThePluginOnlyAfterTheStreamThatUsesItEnded()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        var release = new TaskCompletionSource();
        server.Sse("events", new ChaosSse { Events = 2, DropGate = _ => release.Task, DropEvery = 2, });
        var log = new ConcurrentQueue<string>();
        var plugin = StampPlugin.Create("stamp", log);
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress, Resume = { Enabled = false } })
            .AddPlugin(plugin)
            .Build();

        using var bound = new CancellationTokenSource(CoreAsync.Bound);
        await using IAsyncEnumerator<PluginEvent> events = client.Plugins.WatchAsync(bound.Token).GetAsyncEnumerator(bound.Token);
        ValueTask<bool> nextEvent = events.MoveNextAsync();
        await using IAsyncEnumerator<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));

        await client.Plugins.RemoveAsync("stamp").WaitAsync(CoreAsync.Bound);
        Assert.False(client.Plugins.TryGet("stamp", out _)); // new calls no longer see it
        Assert.Equal(0, plugin.Stops);

        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound)); // still on the old snapshot
        Assert.Contains("stamp.event(2)", log);
        Assert.Equal(0, plugin.Stops);
        release.SetResult();
        await Assert.ThrowsAsync<StreamInterruptedException>(async () => await stream.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));

        while (await nextEvent && events.Current.Kind != PluginEventKind.Stopped)
        {
            nextEvent = events.MoveNextAsync();
        }

        Assert.Equal("stamp", events.Current.PluginId);
        Assert.Equal(1, plugin.Stops);
    }

    [Fact]
    public async Task AddAsync_ADuplicateId_IsRefusedAndTheCurrentSetIsKept()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .AddPlugin(StampPlugin.Create("stamp", log))
            .Build();
        IReadOnlyList<PluginManifest> before = client.Plugins.Manifests;

        PluginConfigurationException error = await Assert.ThrowsAsync<PluginConfigurationException>(() => client.Plugins.AddAsync(StampPlugin.Create("stamp", log)));

        Assert.Contains("stamp", error.PluginIds);
        Assert.Equal(before, client.Plugins.Manifests);
    }

    [Fact]
    public async Task AddAsync_AfterTheClientWasDisposed_IsRefusedAndThePluginNeverStarts()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        var log = new ConcurrentQueue<string>();
        SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress }).Build();
        await client.DisposeAsync();
        var late = StampPlugin.Create("late", log);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.Plugins.AddAsync(late));

        Assert.Equal(0, late.Starts);
        Assert.Equal(0, client.Plugins.Count);
    }
}
