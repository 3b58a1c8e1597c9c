namespace Sdk.Tests.Infrastructure;

/// <summary>Steps a <see cref="ManualTimeProvider"/> through the SDK's back-offs, asserting that nothing is sent early.</summary>
public static class ChaosClock
{
    /// <summary>How far short of a delay the clock is moved before asserting that the next attempt has not been sent.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Waits until the SDK is waiting on a back-off: <paramref name="timers"/> timers armed on the clock, that is the call's
    /// own timer (total deadline, attempt limit) plus the back-off's. A call that is not waiting for anything never gets there.
    /// </summary>
    public static Task WaitForBackoffAsync(this ManualTimeProvider time, int timers = 2) =>
        time.WaitForAsync(t => t.ActiveTimers >= timers);

    /// <summary>
    /// Waits for the back-off after the last request in <paramref name="log"/>, moves the clock to just short of
    /// <paramref name="delay"/> and asserts that the back-off is still waiting and no further request was sent, then moves it
    /// exactly to the end of the delay and returns the next request once it arrives (a longer back-off never lets it arrive).
    /// </summary>
    /// <remarks>
    /// <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> counts whole milliseconds, so the back-off ends
    /// at the delay rounded down to a millisecond. The clock is moved exactly there, never past it: a timer fires inside
    /// <see cref="ManualTimeProvider.Advance"/> and the retry it releases may arm the next back-off before Advance returns, so
    /// landing on the due time keeps every later back-off measured from a clock reading the test knows.
    /// </remarks>
    public static async Task<ChaosRequest> AdvanceThroughBackoffAsync(this ManualTimeProvider time, ChaosRequestLog log, TimeSpan delay, int timers = 2)
    {
        int sent = log.Count;
        await time.WaitForBackoffAsync(timers);
        TimeSpan due = TimeSpan.FromMilliseconds(Math.Floor(delay.TotalMilliseconds));
        TimeSpan shortOf = due > Margin ? due - Margin : TimeSpan.Zero;
        time.Advance(shortOf);

        // A back-off shorter than expected has fired (and stopped counting) inside Advance, even if the request it let go
        // has not reached the server yet.
        Assert.True(time.ActiveTimers >= timers, $"The back-off ended before {shortOf}, short of the expected {delay}.");
        Assert.Equal(sent, log.Count);
        time.Advance(due - shortOf);
        return await log.WaitForAsync(sent + 1);
    }

    /// <summary>
    /// Awaits <paramref name="call"/> while the clock stands still, failing at once if the SDK starts waiting on a back-off
    /// (<paramref name="timers"/> timers armed, see <see cref="WaitForBackoffAsync"/>) instead of going on: shows that a step,
    /// such as a failover, costs no delay. Bounded by <see cref="CoreAsync.Bound"/>.
    /// </summary>
    public static async Task<T> WithoutBackoffAsync<T>(this ManualTimeProvider time, Task<T> call, int timers = 2)
    {
        using var bound = new CancellationTokenSource(CoreAsync.Bound);
        while (!call.IsCompleted)
        {
            Task changed = time.TimerChanged;
            Assert.False(time.ActiveTimers >= timers, "The call is waiting on a back-off instead of going on at once.");
            if (bound.IsCancellationRequested)
            {
                throw new TimeoutException("The call did not complete in time.");
            }

            // Woken by the call, by a timer being armed, or by a short poll (the condition also depends on the call).
            await Task.WhenAny(call, changed, Task.Delay(50, bound.Token));
        }

        return await call;
    }

    /// <summary>Moves the clock forward to <paramref name="now"/> (before any timer is armed, to give HTTP dates a realistic year).</summary>
    public static void AdvanceTo(this ManualTimeProvider time, DateTimeOffset now) => time.Advance(now - time.GetUtcNow());
}
