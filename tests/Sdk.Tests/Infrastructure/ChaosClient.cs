namespace Sdk.Tests.Infrastructure;

/// <summary>Clients for chaos tests: on a <see cref="ManualTimeProvider"/>, with the DESIGN defaults unless a test changes them.</summary>
public static class ChaosClient
{
    /// <summary>
    /// Options for <paramref name="baseAddress"/> on <paramref name="time"/>. The connect timeout is off: it would arm a timer
    /// of its own on the manual clock per new connection, and the tests count timers to know when a back-off started
    /// (<see cref="ChaosClock.WaitForBackoffAsync"/>). Everything else keeps its default (3 retries, 0.5 s base delay, 30 s cap,
    /// breaker 0.5 over 30 s with 10 calls minimum, total 10 min) until <paramref name="configure"/> changes it.
    /// </summary>
    public static ClientOptions Options(Uri baseAddress, ManualTimeProvider time, Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions
        {
            BaseAddress = baseAddress,
            TimeProvider = time,
            Timeouts = { Connect = Timeout.InfiniteTimeSpan },
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A client of <paramref name="server"/>; see <see cref="Options"/>.</summary>
    public static SdkClient Create(ChaosServer server, ManualTimeProvider time, Action<ClientOptions>? configure = null) =>
        SdkClient.Create(Options(server.BaseAddress, time, configure));
}
