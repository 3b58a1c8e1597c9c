namespace Sdk.Plugins;

/// <summary>Where a plugin registers its hooks (<see cref="ISdkPlugin.Register"/>). A plugin may register any number of each kind.</summary>
public sealed class PluginHooks
{
    private readonly List<(RequestHook Hook, HookScope Scope)> _requests = [];
    private readonly List<ResponseHook> _responses = [];
    private readonly List<StreamEventHook> _events = [];
    private readonly List<ErrorHook> _errors = [];
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private bool _sealed;

    internal PluginHooks(SecretRedactor secrets, TimeProvider timeProvider)
    {
        Secrets = secrets;
        TimeProvider = timeProvider;
    }

    /// <summary>The client's clock (<see cref="ClientOptions.TimeProvider"/>): use it for anything timed (a token cache), so tests can move it.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The client's secrets: register any secret the plugin puts on requests (at registration or later, a refreshed token),
    /// and the SDK keeps it out of every message it produces.
    /// </summary>
    public SecretRedactor Secrets { get; }

    internal IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    internal IReadOnlyList<(RequestHook Hook, HookScope Scope)> Requests => _requests;

    internal IReadOnlyList<ResponseHook> Responses => _responses;

    internal IReadOnlyList<StreamEventHook> StreamEvents => _events;

    internal IReadOnlyList<ErrorHook> Errors => _errors;

    /// <summary>Runs <paramref name="hook"/> before each call (<see cref="HookScope.Call"/>) or before each attempt (<see cref="HookScope.Attempt"/>).</summary>
    /// <param name="hook">The hook.</param>
    /// <param name="scope">Once per call (the default), or before every attempt.</param>
    /// <returns>This object, to register more.</returns>
    public PluginHooks OnRequest(RequestHook hook, HookScope scope = HookScope.Call)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfSealed();
        _requests.Add((hook, scope));
        return this;
    }

    /// <summary>Runs <paramref name="hook"/> when an attempt's response headers arrived (before any retry decision).</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This object, to register more.</returns>
    public PluginHooks OnResponse(ResponseHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfSealed();
        _responses.Add(hook);
        return this;
    }

    /// <summary>Runs <paramref name="hook"/> for each stream event (SSE, NDJSON, JSON array element) before the caller gets it.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This object, to register more.</returns>
    public PluginHooks OnStreamEvent(StreamEventHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfSealed();
        _events.Add(hook);
        return this;
    }

    /// <summary>Runs <paramref name="hook"/> when a call fails, with the exception its caller gets.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This object, to register more.</returns>
    public PluginHooks OnError(ErrorHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfSealed();
        _errors.Add(hook);
        return this;
    }

    /// <summary>
    /// Sends a fixed header on every request to the client's origins while the plugin is registered (a user agent, an SDK
    /// version), at no cost per call: no hook runs. A header the request sets itself wins; among plugins, the later one in
    /// run order wins. Never use it for a secret that may need to stay off a redirect to another origin: a redirect plugin
    /// forwards only the headers it is configured to.
    /// </summary>
    /// <param name="name">The header name (not a content header).</param>
    /// <param name="value">The value.</param>
    /// <returns>This object, to register more.</returns>
    /// <exception cref="ArgumentException">The name is not a valid header name, or the value has a line break.</exception>
    public PluginHooks AddHeader(string name, string value)
    {
        ThrowIfSealed();
        HeaderNames.ThrowIfInvalidName(name, nameof(name));
        HeaderNames.ThrowIfInvalidValue(value, nameof(value));

        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>Refuses registrations after <see cref="ISdkPlugin.Register"/> returned.</summary>
    internal void Seal() => _sealed = true;

    private void ThrowIfSealed()
    {
        if (_sealed)
        {
            throw new InvalidOperationException("Hooks are registered in ISdkPlugin.Register only; to change them at run time, replace the plugin through SdkClient.Plugins.");
        }
    }
}
