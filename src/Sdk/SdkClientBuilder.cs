using Sdk.Plugins;
using Sdk.Transport;

namespace Sdk;

/// <summary>
/// Builds an immutable <see cref="SdkClient"/>: options, then optionally a transport or handler settings, then
/// <see cref="Build"/>. The builder refuses changes after <see cref="Build"/>.
/// </summary>
public sealed class SdkClientBuilder
{
    private readonly ClientOptions _options;
    private readonly List<Action<SocketsHttpHandler>> _handlerConfigurations = [];
    private readonly List<ISdkPlugin> _plugins = [];
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private SdkTransport? _transport;
    private bool _disposeTransport;
    private bool _built;
    private int _lambdas;

    internal SdkClientBuilder(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Sends through <paramref name="transport"/> instead of the client's own pooled HTTP transport.</summary>
    /// <param name="transport">The transport, for example an <see cref="InMemoryTransport"/> in tests.</param>
    /// <param name="disposeTransport">Whether disposing the client disposes the transport.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder UseTransport(SdkTransport transport, bool disposeTransport = false)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ThrowIfBuilt();
        _transport = transport;
        _disposeTransport = disposeTransport;
        return this;
    }

    /// <summary>
    /// Adjusts the client's <see cref="SocketsHttpHandler"/> after <see cref="ConnectionOptions"/> were applied (certificates,
    /// a custom proxy, socket options). Ignored when a transport is given with <see cref="UseTransport"/>.
    /// </summary>
    /// <param name="configure">The adjustment.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder ConfigureHttpHandler(Action<SocketsHttpHandler> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        _handlerConfigurations.Add(configure);
        return this;
    }

    /// <summary>
    /// Adds a plugin. Plugins run in dependency order, then as their manifests ask (<see cref="PluginManifest.Before"/>,
    /// <see cref="PluginManifest.After"/>, <see cref="PluginManifest.Order"/>), then in the order they were added. A plugin
    /// with the id of a built-in one (<see cref="Sdk.Plugins.BuiltIn.BuiltInPlugins"/>) replaces it.
    /// </summary>
    /// <param name="plugin">The plugin.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder AddPlugin(ISdkPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ThrowIfBuilt();
        _plugins.Add(plugin);
        return this;
    }

    /// <summary>
    /// Leaves out the plugin with id <paramref name="id"/>: a built-in one (<see cref="Sdk.Plugins.BuiltIn.BuiltInPlugins"/>,
    /// for example <see cref="Sdk.Plugins.BuiltIn.BuiltInPlugins.Redirects"/>) or one added earlier. An id nobody registered
    /// is ignored.
    /// </summary>
    /// <param name="id">The plugin's id.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder RemovePlugin(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ThrowIfBuilt();
        _removed.Add(id);
        _plugins.RemoveAll(p => p.Manifest?.Id == id);
        return this;
    }

    /// <summary>Adds a request hook as an anonymous, required plugin (its failure fails the call, like any code of yours on the call path).</summary>
    /// <param name="hook">The hook.</param>
    /// <param name="scope">Once per call (the default) or before each attempt.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder OnRequest(RequestHook hook, HookScope scope = HookScope.Call)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddPlugin(new LambdaPlugin(NextLambdaId(), hooks => hooks.OnRequest(hook, scope)));
    }

    /// <summary>Adds a response hook as an anonymous, required plugin.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder OnResponse(ResponseHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddPlugin(new LambdaPlugin(NextLambdaId(), hooks => hooks.OnResponse(hook)));
    }

    /// <summary>Adds a stream-event hook as an anonymous, required plugin.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder OnStreamEvent(StreamEventHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddPlugin(new LambdaPlugin(NextLambdaId(), hooks => hooks.OnStreamEvent(hook)));
    }

    /// <summary>Adds an error hook as an anonymous, required plugin.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder OnError(ErrorHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return AddPlugin(new LambdaPlugin(NextLambdaId(), hooks => hooks.OnError(hook)));
    }

    /// <summary>Validates the options (every problem in one message) and builds the client.</summary>
    /// <returns>The client; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="PluginConfigurationException">The plugins do not fit together (every problem in one message).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public SdkClient Build()
    {
        ThrowIfBuilt();
        ClientOptions options = _options.Clone();
        ClientOptionsValidator.Validate(options);
        _built = true;

        List<ISdkPlugin> plugins = WithBuiltIns(options);
        if (_transport is not null)
        {
            return new SdkClient(options, _transport, _disposeTransport, plugins);
        }

        PluginOrder.Resolve([.. plugins.Select(static p => p.Manifest)]); // fails before any connection is set up
        return new SdkClient(options, new HttpTransport(new ConnectionManager(options, _handlerConfigurations)), disposeTransport: true, plugins);
    }

    /// <summary>
    /// The built-in plugins that were not removed, a plugin of yours with a built-in's id taking that built-in's place (so it
    /// keeps its rank among plugins of equal order), then the other added plugins.
    /// </summary>
    private List<ISdkPlugin> WithBuiltIns(ClientOptions options)
    {
        var plugins = new List<ISdkPlugin>();
        var placed = new HashSet<ISdkPlugin>(ReferenceEqualityComparer.Instance);
        foreach (ISdkPlugin builtIn in Sdk.Plugins.BuiltIn.BuiltInPlugins.CreateDefaults(options))
        {
            string id = builtIn.Manifest.Id;
            if (_plugins.Find(p => p.Manifest?.Id == id) is { } replacement)
            {
                plugins.Add(replacement);
                placed.Add(replacement);
            }
            else if (!_removed.Contains(id))
            {
                plugins.Add(builtIn);
            }
        }

        plugins.AddRange(_plugins.Where(p => !placed.Contains(p)));
        return plugins;
    }

    private string NextLambdaId() => "hook-" + (++_lambdas).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder already built its client; create a new builder to build another.");
        }
    }
}
