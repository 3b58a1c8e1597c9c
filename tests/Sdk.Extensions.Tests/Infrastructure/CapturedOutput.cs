using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Sdk.Extensions.Tests.Infrastructure;

/// <summary>
/// Everything the SDK emits while it is alive, as text: log entries at every level (message, state values, exception),
/// the <c>Sdk</c> activities (name, tags, events, status) and the <c>Sdk</c> meter's measurement tags. Add exceptions and
/// other texts with <c>Add</c>.
/// </summary>
internal sealed class CapturedOutput : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _texts = new();
    private readonly ConcurrentQueue<LogLevel> _levels = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public CapturedOutput()
    {
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));
        _activities = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Sdk",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = AddActivity,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Sdk")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => AddMeasurement(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => AddMeasurement(instrument, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => AddMeasurement(instrument, tags));
        _meters.Start();
    }

    public ILoggerFactory LoggerFactory { get; }

    public IReadOnlyCollection<string> Texts => _texts;

    public IReadOnlyCollection<LogLevel> Levels => _levels;

    public void Add(string? text)
    {
        if (text is not null)
        {
            _texts.Enqueue(text);
        }
    }

    /// <summary>An exception as a handler could print it: <see cref="Exception.ToString"/> (message, inner exceptions, stack) and its data.</summary>
    public void Add(Exception exception)
    {
        Add(exception.ToString());
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            Add(e.Message);
            foreach (System.Collections.DictionaryEntry entry in e.Data)
            {
                Add($"{entry.Key}={entry.Value}");
            }

            if (e is ApiException api)
            {
                Add(api.RawBody);
                Add(api.Error?.ToString());
                Add(api.RequestId);
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        LoggerFactory.Dispose();
    }

    private void AddActivity(Activity activity)
    {
        Add($"activity {activity.DisplayName} {activity.OperationName} status={activity.Status} {activity.StatusDescription}");
        foreach (KeyValuePair<string, object?> tag in activity.TagObjects)
        {
            Add($"tag {tag.Key}={tag.Value}");
        }

        foreach (ActivityEvent activityEvent in activity.Events)
        {
            Add($"event {activityEvent.Name}");
            foreach (KeyValuePair<string, object?> tag in activityEvent.Tags)
            {
                Add($"event tag {tag.Key}={tag.Value}");
            }
        }
    }

    private void AddMeasurement(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            Add($"metric {instrument.Name} {tag.Key}={tag.Value}");
        }
    }

    private sealed class Logger(CapturedOutput output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            output.Add($"scope {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            output._levels.Enqueue(logLevel);
            output.Add($"{logLevel} {category}[{eventId}] {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (KeyValuePair<string, object?> value in values)
                {
                    output.Add($"state {value.Key}={value.Value}");
                }
            }

            if (exception is not null)
            {
                output.Add(exception);
            }
        }
    }
}
