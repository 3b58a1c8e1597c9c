namespace Sdk.Plugins;

/// <summary>A hook given to the builder directly (<see cref="SdkClientBuilder.OnRequest"/> and the like): an anonymous, required plugin.</summary>
internal sealed class LambdaPlugin : ISdkPlugin
{
    private readonly Action<PluginHooks> _register;

    public LambdaPlugin(string id, Action<PluginHooks> register)
    {
        _register = register;
        Manifest = new PluginManifest(id, new SemanticVersion(1)) { Criticality = PluginCriticality.Required };
    }

    public PluginManifest Manifest { get; }

    public void Register(PluginHooks hooks) => _register(hooks);
}
