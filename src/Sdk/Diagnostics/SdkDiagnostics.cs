using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Sdk;

/// <summary>
/// The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Sdk</c>, and the names of what they emit
/// (listed in docs/resilience.md). Nothing is recorded unless a listener is attached.
/// </summary>
internal static class SdkDiagnostics
{
    public const string Name = "Sdk";

    public const string CallActivity = "sdk.call";
    public const string RetryEvent = "sdk.retry";
    public const string FailoverEvent = "sdk.failover";
    public const string ResumeEvent = "sdk.stream.resume";
    public const string CircuitEvent = "sdk.circuit";

    public static readonly string Version = typeof(SdkDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("sdk.client.retries", "{retry}", "Attempts made again after a failed attempt (tags: endpoint, reason).");

    public static readonly Counter<long> Resumes = Meter.CreateCounter<long>("sdk.client.stream.resumes", "{resume}", "Reconnect attempts of a stream that broke after delivering items (tag: endpoint, the one that broke).");

    public static readonly Counter<long> Failovers = Meter.CreateCounter<long>("sdk.client.failovers", "{failover}", "Attempts sent to another endpoint than the call's previous attempt (tags: endpoint, the one it went to; from).");

    public static readonly Counter<long> PluginInvocations = Meter.CreateCounter<long>("sdk.plugin.invocations", "{invocation}", "Hook invocations that completed (tag: plugin).");

    public static readonly Counter<long> PluginFailures = Meter.CreateCounter<long>("sdk.plugin.failures", "{failure}", "Hooks that threw or timed out (tags: plugin, hook).");

    public static readonly Histogram<double> PluginDuration = Meter.CreateHistogram<double>("sdk.plugin.duration", "ms", "How long a hook took (tag: plugin).");

    public static readonly Counter<long> WebSocketConnects = Meter.CreateCounter<long>("sdk.websocket.connects", "{connection}", "WebSocket handshakes that succeeded, reconnects included (tag: endpoint).");

    public static readonly Counter<long> WebSocketReconnects = Meter.CreateCounter<long>("sdk.websocket.reconnects", "{attempt}", "Reconnect attempts of WebSocket sessions whose socket broke (tag: reason).");

    public static readonly Counter<long> WebSocketMessages = Meter.CreateCounter<long>("sdk.websocket.messages", "{message}", "WebSocket messages received or written (tag: direction, in or out).");

    public static readonly Counter<long> WebSocketBytes = Meter.CreateCounter<long>("sdk.websocket.bytes", "By", "WebSocket message bytes received or written (tag: direction, in or out).");

    public static readonly UpDownCounter<long> WebSocketSendQueueDepth = Meter.CreateUpDownCounter<long>("sdk.websocket.send_queue.depth", "{message}", "Messages waiting in WebSocket send queues.");

    public static readonly Counter<long> CircuitTransitions = Meter.CreateCounter<long>("sdk.client.circuit.transitions", "{transition}", "Circuit state changes of an endpoint (tags: endpoint, state).");

    /// <summary>Starts the activity of one call, or returns <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartCall(ApiRequest request, bool stream)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity(CallActivity, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("sdk.request.path", request.DisplayPath);
            activity.SetTag("sdk.stream", stream);
        }

        return activity;
    }

    /// <summary>Adds an event to <paramref name="activity"/> (when it records data).</summary>
    public static void AddEvent(Activity? activity, string name, ActivityTagsCollection tags)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.AddEvent(new ActivityEvent(name, tags: tags));
        }
    }
}
