using System.Collections.Concurrent;
using System.Globalization;
using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>A plugin that stamps every hook it gets into a shared log: which plugin, which hook, and what it saw.</summary>
public sealed class StampPlugin(PluginManifest manifest, ConcurrentQueue<string> log) : ISdkPlugin
{
    public PluginManifest Manifest { get; } = manifest;

    public int Starts { get; private set; }

    public int Stops { get; private set; }

    public void Register(PluginHooks hooks)
    {
        string id = Manifest.Id;
        hooks.OnRequest((c, _) => Stamp($"{id}.request(call)"), HookScope.Call)
            .OnRequest((c, _) => Stamp(string.Create(CultureInfo.InvariantCulture, $"{id}.request(attempt {c.Attempt})")), HookScope.Attempt)
            .OnResponse((c, _) => Stamp(string.Create(CultureInfo.InvariantCulture, $"{id}.response(attempt {c.Attempt}: {(int)c.Response.StatusCode})")))
            .OnStreamEvent((c, _) => Stamp($"{id}.event({c.EventId})"))
            .OnError((c, _) => Stamp($"{id}.error({c.Exception.GetType().Name})"));
    }

    public ValueTask StartAsync(CancellationToken cancellationToken)
    {
        Starts++;
        return ValueTask.CompletedTask;
    }

    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        Stops++;
        return ValueTask.CompletedTask;
    }

    public static StampPlugin Create(string id, ConcurrentQueue<string> log) => new(new PluginManifest(id, new SemanticVersion(1)), log);

    private ValueTask Stamp(string entry)
    {
        log.Enqueue(entry);
        return ValueTask.CompletedTask;
    }
}
