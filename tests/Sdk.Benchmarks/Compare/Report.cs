using System.Diagnostics;
using System.Globalization;

namespace Sdk.Benchmarks.Compare;

/// <summary>Turns the measurements into the <c>key=value</c> lines of the compare run, with the method in comments.</summary>
internal static class Report
{
    private const string Raw = "raw";
    private const string Sdk = "sdk";
    private const string OpenAi = "openai";
    private const string ServerOnly = "server_only";
    private const string SdkBare = "sdk_bare";
    private static readonly string[] AllClients = [Raw, Sdk, OpenAi, SdkBare];

    public static void Print(Dictionary<string, Results> results, Setup setup)
    {
        Results serverOnly = results[ServerOnly];
        Summary server = Summarize(serverOnly, setup, null);
        string[] clients = [.. AllClients.Where(results.ContainsKey)];
        Dictionary<string, Summary> s = clients.ToDictionary(name => name, name => Summarize(results[name], setup, serverOnly));
        double serverStreamBytes = Median(serverOnly.StreamAllocated);
        double serverBlockBytes = Median(serverOnly.UnaryAllocated);

        Comment($"{setup.Rounds} stream rounds, contenders alternating (the first rotates each round), after warm-up; throughput is the median round;");
        Comment($"  ratio = ratio of those medians; paired_ratio = median over rounds of the ratio within each round (back-to-back runs)");
        Comment($"alloc = median of GC.GetTotalAllocatedBytes(precise: true) deltas around each stream or unary block (all threads),");
        Comment($"  minus the same for server_only: a raw socket that sends the request and reads the response bytes without parsing,");
        Comment($"  so what is left is the client's own allocation; the server pre-renders its SSE body and writes it in 64 KiB slices");
        Comment($"unary latency: {setup.Blocks * setup.RequestsPerBlock} turns of one request per contender, back to back (the first rotates each turn); p50 and p90 per contender");
        Comment($"unary alloc: {setup.Blocks} alternating blocks of {setup.RequestsPerBlock} sequential requests per contender, median block");
        Comment($"cpu = process CPU time (user + system, all threads) per stream, median, minus server_only's: less disturbed by other processes than wall time");
        Comment($"server_only (subtracted): {serverStreamBytes / setup.Events:0.00} B/event, {server.CpuMicrosecondsPerEvent:0.00} us CPU/event, {serverBlockBytes / setup.RequestsPerBlock:0.0} B/request");
        foreach ((string name, Results r) in results)
        {
            Comment($"{name}: events/s per round {string.Join(' ', r.StreamSeconds.Select(t => (setup.Events / t).ToString("0", CultureInfo.InvariantCulture)))}");
        }

        Line($"stream.events_per_s.server_only={server.EventsPerSecond:0}");
        Each(s, "stream.events_per_s", x => x.EventsPerSecond, "0");
        Each(s, "stream.best_events_per_s", x => x.BestEventsPerSecond, "0");
        Each(s, "stream.alloc_per_event", x => x.AllocPerEvent, "0.0");
        Each(s, "stream.cpu_us_per_event", x => x.CpuMicrosecondsPerEvent, "0.00");
        Line($"unary.p50_us.server_only={server.P50Microseconds:0.0}");
        Each(s, "unary.p50_us", x => x.P50Microseconds, "0.0");
        Each(s, "unary.p90_us", x => x.P90Microseconds, "0.0");
        Each(s, "unary.alloc_per_req", x => x.AllocPerRequest, "0");

        double streamVsRaw = s[Sdk].EventsPerSecond / s[Raw].EventsPerSecond;
        double streamVsOpenAi = s[Sdk].EventsPerSecond / s[OpenAi].EventsPerSecond;
        double allocVsRaw = s[Sdk].AllocPerEvent / s[Raw].AllocPerEvent;
        double unaryVsRaw = s[Sdk].P50Microseconds / s[Raw].P50Microseconds;
        Line($"stream.ratio.sdk_vs_raw={streamVsRaw:0.000}");
        Line($"stream.ratio.sdk_vs_openai={streamVsOpenAi:0.000}");
        Line($"stream.paired_ratio.sdk_vs_raw={PairedRatio(results[Raw], results[Sdk]):0.000}");
        Line($"stream.paired_ratio.sdk_vs_openai={PairedRatio(results[OpenAi], results[Sdk]):0.000}");
        Line($"stream.best_ratio.sdk_vs_raw={s[Sdk].BestEventsPerSecond / s[Raw].BestEventsPerSecond:0.000}");
        Line($"stream.best_ratio.sdk_vs_openai={s[Sdk].BestEventsPerSecond / s[OpenAi].BestEventsPerSecond:0.000}");
        Line($"stream.cpu_ratio.sdk_vs_raw={s[Sdk].CpuMicrosecondsPerEvent / s[Raw].CpuMicrosecondsPerEvent:0.000}");
        Line($"stream.alloc_ratio.sdk_vs_raw={allocVsRaw:0.000}");
        Line($"stream.alloc_ratio.sdk_vs_openai={s[Sdk].AllocPerEvent / s[OpenAi].AllocPerEvent:0.000}");
        Line($"unary.ratio.sdk_vs_raw={unaryVsRaw:0.000}");
        Line($"unary.ratio.sdk_vs_openai={s[Sdk].P50Microseconds / s[OpenAi].P50Microseconds:0.000}");
        Line($"unary.alloc_ratio.sdk_vs_raw={s[Sdk].AllocPerRequest / s[Raw].AllocPerRequest:0.000}");
        if (s.TryGetValue(SdkBare, out Summary bare))
        {
            // What the built-in plugins and the credential cost, measured against the same client without them in the same run.
            Line($"unary.ratio.sdk_vs_sdk_bare={s[Sdk].P50Microseconds / bare.P50Microseconds:0.000}");
            Line($"unary.ratio.sdk_bare_vs_raw={bare.P50Microseconds / s[Raw].P50Microseconds:0.000}");
            Line($"stream.ratio.sdk_vs_sdk_bare={s[Sdk].EventsPerSecond / bare.EventsPerSecond:0.000}");
        }

        Comment($"targets: stream.ratio.sdk_vs_raw >= 0.95, stream.ratio.sdk_vs_openai >= 1.5, stream.alloc_ratio.sdk_vs_raw <= 1.1, unary.ratio.sdk_vs_raw <= 1.1");
        Line($"target.stream_throughput_vs_raw={Verdict(streamVsRaw >= 0.95)}");
        Line($"target.stream_throughput_vs_openai={Verdict(streamVsOpenAi >= 1.5)}");
        Line($"target.stream_alloc_vs_raw={Verdict(allocVsRaw <= 1.1)}");
        Line($"target.unary_p50_vs_raw={Verdict(unaryVsRaw <= 1.1)}");
    }

    /// <summary>One contender's figures; allocations and CPU have <paramref name="server"/>'s subtracted when it is given.</summary>
    private static Summary Summarize(Results r, Setup setup, Results? server) => new(
        EventsPerSecond: setup.Events / Median(r.StreamSeconds),
        BestEventsPerSecond: setup.Events / r.StreamSeconds.Min(),
        AllocPerEvent: (Median(r.StreamAllocated) - (server is null ? 0 : Median(server.StreamAllocated))) / setup.Events,
        CpuMicrosecondsPerEvent: (Median(r.StreamCpuSeconds) - (server is null ? 0 : Median(server.StreamCpuSeconds))) * 1_000_000 / setup.Events,
        P50Microseconds: Percentile(r.UnaryTicks, 0.5),
        P90Microseconds: Percentile(r.UnaryTicks, 0.9),
        AllocPerRequest: (Median(r.UnaryAllocated) - (server is null ? 0 : Median(server.UnaryAllocated))) / setup.RequestsPerBlock);

    /// <summary>
    /// The median over rounds of <paramref name="contender"/>'s throughput divided by <paramref name="baseline"/>'s in the same
    /// round: the two ran back to back, so slow phases of a noisy machine cancel out instead of landing on one side.
    /// </summary>
    private static double PairedRatio(Results baseline, Results contender) =>
        Median(baseline.StreamSeconds.Zip(contender.StreamSeconds, (b, c) => b / c));

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double Median(IEnumerable<long> values) => Median(values.Select(v => (double)v));

    private static double Percentile(List<long> ticks, double percentile)
    {
        long[] sorted = [.. ticks.Order()];
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(percentile * sorted.Length))] * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static void Each(Dictionary<string, Summary> summaries, string key, Func<Summary, double> value, string format)
    {
        foreach (string name in summaries.Keys)
        {
            Console.WriteLine($"{key}.{name}={value(summaries[name]).ToString(format, CultureInfo.InvariantCulture)}");
        }
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static void Comment(FormattableString text) => Console.WriteLine("# " + text.ToString(CultureInfo.InvariantCulture));

    private readonly record struct Summary(
        double EventsPerSecond,
        double BestEventsPerSecond,
        double AllocPerEvent,
        double CpuMicrosecondsPerEvent,
        double P50Microseconds,
        double P90Microseconds,
        double AllocPerRequest);
}
