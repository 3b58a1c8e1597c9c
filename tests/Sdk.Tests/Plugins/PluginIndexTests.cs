using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>The id lookup table of a plugin snapshot (src/Sdk/Plugins/PluginIndex.cs): every id found, absent ids not, with collisions.</summary>
public sealed class PluginIndexTests
{
    private sealed class Named(string id) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = new(id, new SemanticVersion(1));

        public void Register(PluginHooks hooks)
        {
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(200)]
    public void TryGet_EveryRegisteredIdIsFoundAndNoOtherIs(int count)
    {
        var plugins = Enumerable.Range(0, count).Select(i => new Named($"plugin-{i}")).ToArray();
        var guards = plugins.Select(p => new PluginGuard(p, new PluginHooks(new SecretRedactor(), TimeProvider.System), new PluginOptions(), TimeProvider.System, new EventBroadcast<PluginEvent>())).ToArray();
        var index = new PluginIndex(guards);

        foreach (Named plugin in plugins)
        {
            Assert.True(index.TryGet(plugin.Manifest.Id, out ISdkPlugin? found));
            Assert.Same(plugin, found);
        }

        Assert.False(index.TryGet($"plugin-{count}", out ISdkPlugin? absent));
        Assert.Null(absent);
        Assert.False(index.TryGet("", out _));
        Assert.False(index.TryGet("PLUGIN-0", out _)); // ids are case-sensitive
    }
}
