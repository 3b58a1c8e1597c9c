using System.Diagnostics;
using System.Globalization;

namespace Sdk.Plugins;

/// <summary>
/// One plugin's isolation: its failures in a row, its own breaker (disabled for a cool-down after too many), its hook
/// timeout, its lazy start, and its telemetry. Shared by every call that uses the plugin; thread-safe.
/// </summary>
internal sealed class PluginGuard
{
    private readonly PluginManifest _manifest;
    private readonly TimeProvider _time;
    private readonly EventBroadcast<PluginEvent> _events;
    private readonly int _threshold;
    private readonly long _coolDownTicks;
    private readonly KeyValuePair<string, object?> _tag;
    private int _failuresInARow;
    private long _disabledUntil;
    private readonly Lock _startLock = new();
    private Task? _start;

    public PluginGuard(ISdkPlugin plugin, PluginHooks hooks, PluginOptions options, TimeProvider time, EventBroadcast<PluginEvent> events)
    {
        Plugin = plugin;
        Hooks = hooks;
        _manifest = plugin.Manifest;
        _time = time;
        _events = events;
        _threshold = options.FailureThreshold;
        _coolDownTicks = (long)(options.CoolDown.TotalSeconds * time.TimestampFrequency);
        HookTimeout = _manifest.HookTimeout ?? options.HookTimeout;
        _tag = new("plugin", _manifest.Id);
    }

    public ISdkPlugin Plugin { get; }

    /// <summary>The hooks the plugin registered.</summary>
    public PluginHooks Hooks { get; }

    public PluginManifest Manifest => _manifest;

    public string Id => _manifest.Id;

    public bool Required => _manifest.Criticality == PluginCriticality.Required;

    public TimeSpan HookTimeout { get; }

    public TimeProvider Time => _time;

    /// <summary>Whether the plugin's start was requested (so it needs a stop).</summary>
    public bool StartBegan => Volatile.Read(ref _start) is not null;

    /// <summary>Whether the plugin's start has finished (successfully or not); until then hooks wait for it.</summary>
    public bool Started => _start is { IsCompleted: true };

    /// <summary>Whether its hooks should run now: not disabled, or its cool-down just ended (then it is re-enabled).</summary>
    public bool ShouldRun()
    {
        long until = Volatile.Read(ref _disabledUntil);
        if (until == 0)
        {
            return true;
        }

        if (_time.GetTimestamp() < until)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _disabledUntil, 0, until) == until)
        {
            Volatile.Write(ref _failuresInARow, 0);
            Publish(PluginEventKind.ReEnabled, null, null);
        }

        return true;
    }

    /// <summary>
    /// Starts the plugin once (eager plugins at build, lazy ones before their first hook). The first caller runs the plugin's
    /// <see cref="ISdkPlugin.StartAsync"/> on its own thread (outside the lock); later callers get the same task.
    /// </summary>
    public Task StartAsync()
    {
        Task? start = Volatile.Read(ref _start);
        if (start is not null)
        {
            return start;
        }

        TaskCompletionSource started;
        lock (_startLock)
        {
            if (_start is not null)
            {
                return _start;
            }

            started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _start = started.Task;
        }

        _ = RunStartAsync(started);
        return started.Task;
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _failuresInARow) != 0)
        {
            Volatile.Write(ref _failuresInARow, 0);
        }
    }

    /// <summary>
    /// Counts a failure of <paramref name="hook"/>. A required plugin's failure is returned as the
    /// <see cref="PluginException"/> to fail the call with; an optional plugin's is contained (returns <see langword="null"/>),
    /// and disables the plugin for its cool-down after too many in a row.
    /// </summary>
    public PluginException? Failed(HookKind hook, Exception? exception, bool timedOut)
    {
        string reason = timedOut
            ? string.Create(CultureInfo.InvariantCulture, $"timeout ({HookTimeout.TotalMilliseconds:0} ms)")
            : exception?.GetType().Name ?? "failure";
        SdkDiagnostics.PluginFailures.Add(1, _tag, new KeyValuePair<string, object?>("hook", hook.ToString()));
        Publish(PluginEventKind.Failed, hook, reason);
        if (Required)
        {
            string message = timedOut
                ? $"The required plugin '{Id}' did not finish its {hook} hook within {HookTimeout.TotalSeconds:0.###} s."
                : $"The required plugin '{Id}' failed in its {hook} hook ({reason}).";
            return new PluginException(Id, hook, message, timedOut ? new TimeoutException(message) : exception);
        }

        int failures = Interlocked.Increment(ref _failuresInARow);
        if (failures >= _threshold && _coolDownTicks > 0)
        {
            long until = _time.GetTimestamp() + _coolDownTicks;
            if (Interlocked.CompareExchange(ref _disabledUntil, until, 0) == 0)
            {
                Publish(PluginEventKind.Disabled, hook, string.Create(CultureInfo.InvariantCulture, $"{failures} failures in a row"));
            }
        }

        return null;
    }

    public void Counted(long startTimestamp)
    {
        if (SdkDiagnostics.PluginInvocations.Enabled)
        {
            SdkDiagnostics.PluginInvocations.Add(1, _tag);
        }

        if (startTimestamp != 0)
        {
            SdkDiagnostics.PluginDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, _tag);
        }
    }

    /// <summary>A start timestamp when the duration histogram is listened to, else 0 (no clock read per hook).</summary>
    public static long Begin() => SdkDiagnostics.PluginDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void Publish(PluginEventKind kind, HookKind? hook, string? reason) =>
        _events.Publish(new PluginEvent(_manifest.Id, _manifest.Version, kind, _time.GetUtcNow(), hook, reason));

    private async Task RunStartAsync(TaskCompletionSource started)
    {
        try
        {
            await Plugin.StartAsync(CancellationToken.None).ConfigureAwait(false);
            Publish(PluginEventKind.Started, null, null);
            started.TrySetResult();
        }
        catch (Exception ex)
        {
            Publish(PluginEventKind.Failed, null, ex.GetType().Name);
            started.TrySetException(ex);
        }
    }
}
