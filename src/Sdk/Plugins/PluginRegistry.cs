namespace Sdk.Plugins;

/// <summary>
/// A client's plugins (<see cref="SdkClient.Plugins"/>): look one up by id, watch their lifecycle, and add, remove or replace
/// them while calls run (hot swap). A change publishes a new snapshot atomically: calls in flight finish on the snapshot they
/// started with, new calls take the new one, and a removed plugin is stopped once the calls that could use it ended.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The SemaphoreSlim only needs disposing once its AvailableWaitHandle was read, which never happens.")]
public sealed class PluginRegistry
{
    private readonly PluginOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _swap = new(1, 1);
    private readonly EventBroadcast<PluginEvent> _events = new();
    private PluginSnapshot _current = PluginSnapshot.Empty;
    private volatile bool _stopped;

    internal PluginRegistry(PluginOptions options, TimeProvider time, SecretRedactor secrets)
    {
        _options = options;
        _time = time;
        Secrets = secrets;
    }

    /// <summary>The client's secrets, which plugins register (<see cref="PluginHooks.Secrets"/>) and the SDK redacts.</summary>
    internal SecretRedactor Secrets { get; }

    /// <summary>The plugins' manifests, in run order.</summary>
    public IReadOnlyList<PluginManifest> Manifests => [.. Volatile.Read(ref _current).Plugins.Select(static p => p.Manifest)];

    /// <summary>How many plugins the client has.</summary>
    public int Count => Volatile.Read(ref _current).Plugins.Length;

    internal PluginSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Finds a plugin by its id (a dictionary lookup on the current snapshot).</summary>
    /// <param name="id">The plugin's <see cref="PluginManifest.Id"/>.</param>
    /// <param name="plugin">The plugin, or <see langword="null"/>.</param>
    /// <returns>Whether the client has it.</returns>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISdkPlugin? plugin)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Volatile.Read(ref _current).Index.TryGet(id, out plugin);
    }

    /// <summary>The lifecycle events of every plugin (loaded, started, failed, disabled, re-enabled, stopped), from now on.</summary>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events; a subscriber that falls far behind loses the oldest ones.</returns>
    public IAsyncEnumerable<PluginEvent> WatchAsync(CancellationToken cancellationToken = default) => _events.SubscribeAsync(cancellationToken);

    /// <summary>Adds <paramref name="plugin"/>: registers its hooks, starts it if it is eager, and publishes the new set.</summary>
    /// <param name="plugin">The plugin; its id must be new.</param>
    /// <param name="cancellationToken">Cancels waiting for another change in progress.</param>
    /// <returns>A task that completes once new calls use the plugin.</returns>
    /// <exception cref="PluginConfigurationException">The new set is invalid (a duplicate id, a missing dependency, a cycle…).</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public Task AddAsync(ISdkPlugin plugin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return ChangeAsync(plugin, null, cancellationToken);
    }

    /// <summary>
    /// Removes the plugin with <paramref name="id"/>. New calls no longer use it once the task completes; it is stopped in the
    /// background once the calls that started with it ended (watch for its <see cref="PluginEventKind.Stopped"/> event).
    /// </summary>
    /// <param name="id">The plugin's id.</param>
    /// <param name="cancellationToken">Cancels waiting for another change in progress.</param>
    /// <returns>A task that completes once the change is published.</returns>
    /// <exception cref="PluginConfigurationException">Another plugin depends on it, or it is not registered.</exception>
    public Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ChangeAsync(null, id, cancellationToken);
    }

    /// <summary>
    /// Replaces the plugin with the same id by <paramref name="plugin"/> (a new version, new settings) in one step. The old
    /// one is stopped in the background once the calls that started with it ended.
    /// </summary>
    /// <param name="plugin">The new plugin.</param>
    /// <param name="cancellationToken">Cancels waiting for another change in progress.</param>
    /// <returns>A task that completes once the change is published.</returns>
    /// <exception cref="PluginConfigurationException">The new set is invalid, or no plugin has that id.</exception>
    public Task ReplaceAsync(ISdkPlugin plugin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return ChangeAsync(plugin, plugin.Manifest.Id, cancellationToken);
    }

    /// <summary>The snapshot a call starts on, counted until <see cref="PluginSnapshot.Exit"/>; the empty one is not counted.</summary>
    internal PluginSnapshot Enter()
    {
        while (true)
        {
            PluginSnapshot snapshot = Volatile.Read(ref _current);
            if (snapshot.IsEmpty)
            {
                return snapshot;
            }

            snapshot.Enter();
            if (ReferenceEquals(snapshot, Volatile.Read(ref _current)))
            {
                return snapshot;
            }

            snapshot.Exit();
        }
    }

    /// <summary>Builds the first snapshot (at <see cref="SdkClientBuilder.Build"/>) and starts the eager plugins.</summary>
    internal void Initialize(IReadOnlyList<ISdkPlugin> plugins)
    {
        PluginSnapshot snapshot = Compose([], plugins);
        Volatile.Write(ref _current, snapshot);
        StartEager(snapshot.Plugins);
    }

    /// <summary>Stops every plugin, in reverse run order (the client is being disposed).</summary>
    internal async ValueTask StopAllAsync()
    {
        _stopped = true;
        await _swap.WaitAsync().ConfigureAwait(false); // a change in progress finishes first
        _swap.Release();
        PluginSnapshot snapshot = Interlocked.Exchange(ref _current, PluginSnapshot.Empty);
        for (int i = snapshot.Plugins.Length - 1; i >= 0; i--)
        {
            await StopAsync(snapshot.Plugins[i]).ConfigureAwait(false);
        }

        _events.Complete();
    }

    private async Task ChangeAsync(ISdkPlugin? added, string? removedId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopped, typeof(SdkClient));
        await _swap.WaitAsync(cancellationToken).ConfigureAwait(false);
        PluginSnapshot old;
        PluginGuard? removed = null;
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, typeof(SdkClient));
            old = Volatile.Read(ref _current);
            var kept = new List<PluginGuard>(old.Plugins);
            int index = -1;
            if (removedId is not null)
            {
                index = kept.FindIndex(p => p.Id == removedId);
                if (index < 0)
                {
                    throw new PluginConfigurationException($"No plugin '{removedId}' is registered.", [removedId]);
                }

                removed = kept[index];
                kept.RemoveAt(index);
            }

            PluginSnapshot next = Compose(kept, added is null ? [] : [added], index);
            PluginGuard? addedGuard = added is null ? null : Array.Find(next.Plugins, p => ReferenceEquals(p.Plugin, added));
            if (addedGuard is not null && addedGuard.Manifest.Load == PluginLoad.Eager)
            {
                await addedGuard.StartAsync().ConfigureAwait(false);
            }

            Volatile.Write(ref _current, next);
        }
        finally
        {
            _swap.Release();
        }

        Task drained = old.RetireAsync();
        if (removed is not null)
        {
            // In the background: the change is published; the old plugin stops once no call uses it (a Stopped event says when).
            _ = StopWhenDrainedAsync(drained, removed);
        }
    }

    private static async Task StopWhenDrainedAsync(Task drained, PluginGuard removed)
    {
        await drained.ConfigureAwait(false);
        await StopAsync(removed).ConfigureAwait(false);
    }

    /// <summary>
    /// A snapshot of <paramref name="kept"/> (their guards, and so their failure counts, carry over) plus new plugins, in
    /// resolved order. The new plugins are registered at <paramref name="insertAt"/> (a replacement takes the place of the
    /// plugin it replaces, so it keeps its rank among plugins of equal order), or after the kept ones.
    /// </summary>
    private PluginSnapshot Compose(List<PluginGuard> kept, IReadOnlyList<ISdkPlugin> added, int insertAt = -1)
    {
        int at = insertAt < 0 ? kept.Count : insertAt;
        var manifests = new List<PluginManifest>(kept.Select(static g => g.Manifest));
        manifests.InsertRange(at, added.Select(plugin => plugin.Manifest ?? throw new ArgumentException($"The plugin {plugin.GetType().Name} has no manifest.", nameof(added))));
        int[] order = PluginOrder.Resolve(manifests); // the set is valid: now register the new plugins

        var guards = new List<PluginGuard>(kept);
        var fresh = new List<PluginGuard>(added.Count);
        foreach (ISdkPlugin plugin in added)
        {
            var hooks = new PluginHooks(Secrets, _time);
            plugin.Register(hooks);
            hooks.Seal();
            var guard = new PluginGuard(plugin, hooks, _options, _time, _events);
            guard.Publish(PluginEventKind.Loaded, null, null);
            fresh.Add(guard);
        }

        guards.InsertRange(at, fresh);
        return new PluginSnapshot([.. order.Select(i => guards[i])]);
    }

    private static void StartEager(PluginGuard[] plugins)
    {
        foreach (PluginGuard plugin in plugins)
        {
            if (plugin.Manifest.Load == PluginLoad.Eager)
            {
                _ = plugin.StartAsync();
            }
        }
    }

    private static async ValueTask StopAsync(PluginGuard plugin)
    {
        if (!plugin.StartBegan)
        {
            return; // a lazy plugin that never ran
        }

        try
        {
            await plugin.Plugin.StopAsync(CancellationToken.None).ConfigureAwait(false);
            plugin.Publish(PluginEventKind.Stopped, null, null);
        }
        catch (Exception ex)
        {
            plugin.Publish(PluginEventKind.Failed, null, ex.GetType().Name);
        }
    }
}
