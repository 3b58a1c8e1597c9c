using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>Helpers shared by the stream resume tests (StreamResume*Tests.cs).</summary>
internal static class StreamResumeSupport
{
    /// <summary>The ids of every item until the end, within <see cref="CoreAsync.Bound"/>; throws what the stream throws.</summary>
    public static async Task<List<int>> ReadIdsAsync(IAsyncEnumerable<Item> stream)
    {
        List<Item> items = await stream.ToListBoundedAsync();
        return [.. items.Select(static i => i.Id)];
    }

    /// <summary>The ids of the items delivered before the stream ended, and the exception it ended with (or <see langword="null"/>).</summary>
    public static async Task<(List<int> Ids, Exception? Error)> DrainIdsAsync(IAsyncEnumerable<Item> stream)
    {
        (List<Item> items, Exception? error) = await stream.DrainBoundedAsync();
        return ([.. items.Select(static i => i.Id)], error);
    }

    /// <summary>1, 2, … <paramref name="count"/>.</summary>
    public static List<int> Ids(int count) => [.. Enumerable.Range(1, count)];
}

/// <summary>
/// A <see cref="TimeProvider"/> over a <see cref="ManualTimeProvider"/> that remembers the due time of every timer created
/// through it, so a test can read the exact (jittered) back-off the SDK chose before moving the clock through it. Timers
/// live on the manual clock: <see cref="ChaosClock"/> works on <see cref="Clock"/> as usual.
/// </summary>
internal sealed class DelayRecordingTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _created = [];

    public DelayRecordingTimeProvider(ManualTimeProvider clock)
    {
        Clock = clock;
    }

    /// <summary>The clock the timers run on.</summary>
    public ManualTimeProvider Clock { get; }

    /// <summary>The due time of the last timer created (a back-off's <c>Task.Delay</c> creates one per wait).</summary>
    public TimeSpan LastCreated
    {
        get
        {
            lock (_lock)
            {
                return _created[^1];
            }
        }
    }

    public override long TimestampFrequency => Clock.TimestampFrequency;

    public override long GetTimestamp() => Clock.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => Clock.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => Clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _created.Add(dueTime);
        }

        return Clock.CreateTimer(callback, state, dueTime, period);
    }
}
