using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Sdk.Tests.Infrastructure;

/// <summary>One measurement of an <c>Sdk</c> meter instrument.</summary>
public sealed record ChaosMeasurement(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>A tag's value as text, or <see langword="null"/>.</summary>
    public string? Tag(string name) => Tags.TryGetValue(name, out object? value) ? value?.ToString() : null;
}

/// <summary>
/// Listens to the SDK's <see cref="ActivitySource"/> and <see cref="Meter"/> (both named <c>Sdk</c>) for one test. Tests run
/// in parallel and the listeners are process-wide, so it keeps only this test's data: the <c>sdk.call</c> activities under a
/// root activity it starts (make the calls from the same async flow, after <see cref="Start"/>), and the measurements whose
/// <c>endpoint</c> tag belongs to one of the given servers.
/// </summary>
public sealed class ChaosTelemetry : IDisposable
{
    private static readonly ActivitySource TestSource = new("Sdk.Tests.Chaos");
    private readonly ConcurrentQueue<Activity> _calls = new();
    private readonly ConcurrentQueue<ChaosMeasurement> _measurements = new();
    private readonly string[] _endpoints;
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener;
    private readonly Activity _root;
    private StrongBox<ActivityTraceId>? _rootTrace;

    private ChaosTelemetry(Uri[] endpoints)
    {
        _endpoints = [.. endpoints.Select(e => e.GetLeftPart(UriPartial.Authority))];
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Sdk" or "Sdk.Tests.Chaos",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = OnStarted,
        };
        ActivitySource.AddActivityListener(_activityListener);
        _root = TestSource.StartActivity("chaos-test") ?? throw new InvalidOperationException("The test activity did not start.");
        Volatile.Write(ref _rootTrace, new StrongBox<ActivityTraceId>(_root.TraceId));

        _meterListener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Sdk")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>(OnMeasurement);
        _meterListener.Start();
    }

    /// <summary>The <c>sdk.call</c> activities of this test, in start order.</summary>
    public IReadOnlyList<Activity> Calls => [.. _calls];

    /// <summary>Starts listening; sets <see cref="Activity.Current"/> to this test's root activity.</summary>
    public static ChaosTelemetry Start(params Uri[] endpoints) => new(endpoints);

    /// <summary>The events named <paramref name="name"/> of every call of this test, in order.</summary>
    public IReadOnlyList<ActivityEvent> Events(string name) => [.. Calls.SelectMany(c => c.Events.ToArray()).Where(e => e.Name == name)];

    /// <summary>The measurements of <paramref name="instrument"/> for this test's endpoints.</summary>
    public IReadOnlyList<ChaosMeasurement> Measurements(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    public void Dispose()
    {
        _root.Stop();
        _activityListener.Dispose();
        _meterListener.Dispose();
    }

    private void OnStarted(Activity activity)
    {
        // The listener is global and is added before _root is set: another test's call can arrive in between.
        if (activity.OperationName == "sdk.call" && Volatile.Read(ref _rootTrace) is { } trace && activity.TraceId == trace.Value)
        {
            _calls.Enqueue(activity);
        }
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (copy.TryGetValue("endpoint", out object? endpoint) && endpoint is string text &&
            _endpoints.Any(e => text.StartsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            _measurements.Enqueue(new ChaosMeasurement(instrument.Name, value, copy));
        }
    }
}
