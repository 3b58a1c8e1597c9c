namespace Sdk.Plugins;

/// <summary>
/// The plugins of a client at one moment, in run order, with one array per hook kind: what a call dispatches over. Immutable;
/// hot swap publishes a new one. A call holds the snapshot it started with, so the snapshot counts its calls in flight to
/// know when a plugin removed from it can be stopped.
/// </summary>
internal sealed class PluginSnapshot
{
    public static readonly PluginSnapshot Empty = new([]);

    private int _inFlight;
    private volatile bool _retired;
    private TaskCompletionSource? _drained;

    public PluginSnapshot(PluginGuard[] plugins)
    {
        Plugins = plugins;
        var callRequests = new List<HookEntry<RequestHook>>();
        var attemptRequests = new List<HookEntry<RequestHook>>();
        var responses = new List<HookEntry<ResponseHook>>();
        var events = new List<HookEntry<StreamEventHook>>();
        var errors = new List<HookEntry<ErrorHook>>();
        var headers = new List<KeyValuePair<string, string>>();
        foreach (PluginGuard plugin in plugins)
        {
            PluginHooks hooks = plugin.Hooks;
            foreach ((RequestHook hook, HookScope scope) in hooks.Requests)
            {
                (scope == HookScope.Call ? callRequests : attemptRequests).Add(new(plugin, hook));
            }

            responses.AddRange(hooks.Responses.Select(h => new HookEntry<ResponseHook>(plugin, h)));
            events.AddRange(hooks.StreamEvents.Select(h => new HookEntry<StreamEventHook>(plugin, h)));
            errors.AddRange(hooks.Errors.Select(h => new HookEntry<ErrorHook>(plugin, h)));
            foreach (KeyValuePair<string, string> header in hooks.Headers)
            {
                // A later plugin's value for the same header wins.
                headers.RemoveAll(h => string.Equals(h.Key, header.Key, StringComparison.OrdinalIgnoreCase));
                headers.Add(header);
            }
        }

        Index = new PluginIndex(plugins);
        CallRequests = [.. callRequests];
        AttemptRequests = [.. attemptRequests];
        Responses = [.. responses];
        StreamEvents = [.. events];
        Errors = [.. errors];
        Headers = [.. headers];
        IsEmpty = plugins.Length == 0;
    }

    /// <summary>In run order.</summary>
    public PluginGuard[] Plugins { get; }

    /// <summary>The plugins by id, for <see cref="PluginRegistry.TryGet"/>.</summary>
    public PluginIndex Index { get; }

    public HookEntry<RequestHook>[] CallRequests { get; }

    public HookEntry<RequestHook>[] AttemptRequests { get; }

    public HookEntry<ResponseHook>[] Responses { get; }

    public HookEntry<StreamEventHook>[] StreamEvents { get; }

    public HookEntry<ErrorHook>[] Errors { get; }

    /// <summary>The fixed headers of the plugins (<see cref="PluginHooks.AddHeader"/>), sent on every request to the client's origins.</summary>
    public KeyValuePair<string, string>[] Headers { get; }

    /// <summary>Whether the snapshot has no plugin (nothing to dispatch; <see cref="Enter"/> and <see cref="Exit"/> are free).</summary>
    public bool IsEmpty { get; }

    /// <summary>Counts a call that starts on this snapshot (see <see cref="PluginRegistry.Enter"/>).</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        if (IsEmpty)
        {
            return;
        }

        if (Interlocked.Decrement(ref _inFlight) == 0 && _retired)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Marks the snapshot replaced; the task completes once no call runs on it any more.</summary>
    public Task RetireAsync()
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        _retired = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            drained.TrySetResult();
        }

        return drained.Task;
    }
}

/// <summary>A hook and the plugin it belongs to.</summary>
internal readonly record struct HookEntry<T>(PluginGuard Plugin, T Hook);
