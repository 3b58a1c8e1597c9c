using System.Runtime.CompilerServices;

namespace Sdk.Plugins;

/// <summary>How one kind of hook is called: the context it gets, and whether the rest of the hooks should be skipped.</summary>
internal interface IHookCall<in THook>
{
    /// <summary>Whether an earlier hook ended the run (answered the request, dropped the event).</summary>
    bool Stop { get; }

    ValueTask Invoke(THook hook, CancellationToken cancellationToken);
}

/// <summary>
/// Runs a snapshot's hooks of one kind in order, each under its plugin's guard: a disabled plugin is skipped, a lazy one is
/// started first, an exception or a timeout is contained for an optional plugin and fails the call for a required one.
/// Synchronous hooks run in a plain loop (no allocation, no clock read unless the duration histogram is listened to); the
/// first hook that does not complete at once moves the rest of the run to an async path that applies the timeout.
/// </summary>
internal static class HookRunner
{
    public static ValueTask RunAsync<THook, TCall>(HookEntry<THook>[] hooks, HookKind kind, TCall call, CancellationToken cancellationToken)
        where TCall : struct, IHookCall<THook>
    {
        for (int i = 0; i < hooks.Length; i++)
        {
            if (call.Stop)
            {
                break;
            }

            HookEntry<THook> entry = hooks[i];
            PluginGuard plugin = entry.Plugin;
            if (!plugin.ShouldRun())
            {
                continue;
            }

            if (!plugin.Started)
            {
                return RunFromAsync(hooks, i, kind, call, default, 0, invoked: false, cancellationToken);
            }

            long start = PluginGuard.Begin();
            ValueTask pending;
            try
            {
                pending = call.Invoke(entry.Hook, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Fail(plugin, kind, ex, timedOut: false);
                continue;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return RunFromAsync(hooks, i, kind, call, pending, start, invoked: true, cancellationToken);
            }

            plugin.Succeeded();
            plugin.Counted(start);
        }

        return default;
    }

    /// <summary>
    /// Runs the hooks from <paramref name="index"/> on, asynchronously. When <paramref name="invoked"/>, hook
    /// <paramref name="index"/> was already called and <paramref name="pending"/> is its task; otherwise it is called here,
    /// after its plugin's start.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask RunFromAsync<THook, TCall>(HookEntry<THook>[] hooks, int index, HookKind kind, TCall call, ValueTask pending, long start, bool invoked, CancellationToken cancellationToken)
        where TCall : struct, IHookCall<THook>
    {
        for (int i = index; i < hooks.Length; i++, invoked = false)
        {
            if (call.Stop)
            {
                break;
            }

            HookEntry<THook> entry = hooks[i];
            PluginGuard plugin = entry.Plugin;
            if (!invoked && !plugin.ShouldRun())
            {
                continue;
            }

            try
            {
                if (!invoked)
                {
                    await plugin.StartAsync().WaitAsync(plugin.HookTimeout, plugin.Time, cancellationToken).ConfigureAwait(false);
                    start = PluginGuard.Begin();
                    pending = call.Invoke(entry.Hook, cancellationToken);
                }

                if (pending.IsCompletedSuccessfully)
                {
                    pending.GetAwaiter().GetResult();
                }
                else
                {
                    await pending.AsTask().WaitAsync(plugin.HookTimeout, plugin.Time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Fail(plugin, kind, ex, ex is TimeoutException);
                continue;
            }

            plugin.Succeeded();
            plugin.Counted(start);
        }
    }

    private static void Fail(PluginGuard plugin, HookKind kind, Exception exception, bool timedOut)
    {
        if (plugin.Failed(kind, exception, timedOut) is { } required)
        {
            throw required;
        }
    }
}

/// <summary>Calls request hooks; stops once one answered the request.</summary>
internal readonly struct RequestHookCall(CallAttempts call, HttpRequestMessage? message) : IHookCall<RequestHook>
{
    public bool Stop => call.ShortCircuit is not null;

    public ValueTask Invoke(RequestHook hook, CancellationToken cancellationToken) => hook(new RequestContext(call, message), cancellationToken);
}

/// <summary>Calls response hooks.</summary>
internal readonly struct ResponseHookCall(CallAttempts call) : IHookCall<ResponseHook>
{
    public bool Stop => false;

    public ValueTask Invoke(ResponseHook hook, CancellationToken cancellationToken) => hook(new ResponseContext(call), cancellationToken);
}

/// <summary>Calls stream-event hooks; stops once one dropped the event.</summary>
internal readonly struct StreamEventHookCall(StreamHookEvent hookEvent) : IHookCall<StreamEventHook>
{
    public bool Stop => hookEvent.Dropped;

    public ValueTask Invoke(StreamEventHook hook, CancellationToken cancellationToken) => hook(new StreamEventContext(hookEvent), cancellationToken);
}

/// <summary>Calls error hooks.</summary>
internal readonly struct ErrorHookCall(CallAttempts call, Exception exception) : IHookCall<ErrorHook>
{
    public bool Stop => false;

    public ValueTask Invoke(ErrorHook hook, CancellationToken cancellationToken) => hook(new ErrorContext(call, exception), cancellationToken);
}
