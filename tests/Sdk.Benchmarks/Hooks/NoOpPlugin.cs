using Sdk.Plugins;

namespace Sdk.Benchmarks.Hooks;

/// <summary>A plugin whose request, response and stream-event hooks do nothing: what dispatch itself costs.</summary>
internal sealed class NoOpPlugin(string id, int generation = 0) : ISdkPlugin
{
    public PluginManifest Manifest { get; } = new(id, new SemanticVersion(1, generation));

    public void Register(PluginHooks hooks) =>
        hooks.OnRequest(static (_, _) => ValueTask.CompletedTask)
            .OnResponse(static (_, _) => ValueTask.CompletedTask)
            .OnStreamEvent(static (_, _) => ValueTask.CompletedTask);

    public static SdkClientBuilder AddTen(SdkClientBuilder builder)
    {
        for (int i = 0; i < 10; i++)
        {
            builder.AddPlugin(new NoOpPlugin("noop-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return builder;
    }
}
