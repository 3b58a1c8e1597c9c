using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Sdk.Benchmarks.Compare;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Hooks;

/// <summary>
/// <c>hooks [--swaps N] [--streams S]</c>: BenchmarkDotNet (in process, memory diagnoser) over <see cref="HookBenchmarks"/> for
/// the per-hook cost, the bytes per call and the lookup; then hot swap under load: S streams loop against a local Kestrel
/// server while a plugin is replaced N times, timing each publication and counting failed streams.
/// </summary>
internal static class HooksCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int swaps = Option(args, "--swaps", 1_000);
        int streams = Option(args, "--streams", 8);
        IConfig config = ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
            .AddLogger(DefaultConfig.Instance.GetLoggers().ToArray())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "Sdk.Benchmarks.Artifacts"));
        Summary summary = BenchmarkRunner.Run<HookBenchmarks>(config);

        (double unaryPlain, long unaryPlainBytes) = Read(summary, nameof(HookBenchmarks.UnaryPlain));
        (double unaryHooked, long unaryHookedBytes) = Read(summary, nameof(HookBenchmarks.UnaryHooked));
        (double streamPlain, _) = Read(summary, nameof(HookBenchmarks.StreamPlain));
        (double streamHooked, _) = Read(summary, nameof(HookBenchmarks.StreamHooked));
        (double lookup, _) = Read(summary, nameof(HookBenchmarks.Lookup));
        (double perHook, long dispatchBytes) = Read(summary, nameof(HookBenchmarks.Dispatch));

        double perEventHook = (streamHooked - streamPlain) / HookBenchmarks.Plugins;
        long bytesPerCall = unaryHookedBytes - unaryPlainBytes;

        (double p99, double max, int failed, long streamed) = await HotSwapAsync(swaps, streams);

        Console.WriteLine("# hooks: 10 no-op plugins, each with a request, a response and a stream-event hook; in-memory transport; BenchmarkDotNet means");
        Console.WriteLine(Invariant($"# bytes per call = allocation of a unary call with the plugins minus without ({unaryHookedBytes} - {unaryPlainBytes})"));
        Console.WriteLine(Invariant($"# unary call: {unaryPlain:0.0} ns without plugins, {unaryHooked:0.0} ns with them (20 hooks); stream event: {streamPlain:0.0} ns, {streamHooked:0.0} ns (10 hooks)"));
        Console.WriteLine(Invariant($"# dispatch loop alone: {perHook:0.0} ns and {dispatchBytes} B per hook (10 request hooks in a row)"));
        Console.WriteLine(Invariant($"hooks.ns_per_hook={perHook:0.0}"));
        Console.WriteLine(Invariant($"hooks.ns_per_stream_event_hook={perEventHook:0.0}"));
        Console.WriteLine(Invariant($"hooks.bytes_per_call={bytesPerCall}"));
        Console.WriteLine(Invariant($"hooks.lookup_ns={lookup:0.0}"));
        Console.WriteLine(Invariant($"# hot swap: {swaps} replacements while {streams} streams loop on a local Kestrel server ({streamed} events streamed)"));
        Console.WriteLine(Invariant($"hotswap.ms={p99:0.000}"));
        Console.WriteLine(Invariant($"hotswap.max_ms={max:0.000}"));
        Console.WriteLine(Invariant($"hotswap.failed_calls={failed}"));
        Console.WriteLine("# targets: ns_per_hook <= 50, bytes_per_call == 0, lookup_ns <= 10, hotswap.ms (p99) <= 1, failed_calls == 0");
        Console.WriteLine($"target.hooks_ns_per_hook={Verdict(perHook <= 50)}");
        Console.WriteLine($"target.hooks_bytes_per_call={Verdict(bytesPerCall <= 0)}");
        Console.WriteLine($"target.hooks_lookup_ns={Verdict(lookup <= 10)}");
        Console.WriteLine($"target.hotswap_ms={Verdict(p99 <= 1)}");
        Console.WriteLine($"target.hotswap_failed_calls={Verdict(failed == 0)}");
        return 0;
    }

    private static async Task<(double P99, double Max, int Failed, long Streamed)> HotSwapAsync(int swaps, int streamCount)
    {
        (byte[] body, _) = Payloads.CreateSseBody(2_000);
        await using BenchServer server = await BenchServer.StartAsync(body);
        await using SdkClient client = NoOpPlugin.AddTen(SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })).Build();
        ApiRequest request = ApiRequest.Post("chat/completions", Payloads.StreamRequest, BenchJson.Default.ChatRequest);
        int failed = 0;
        long streamed = 0;
        using var done = new CancellationTokenSource();
        Task[] streams = [.. Enumerable.Range(0, streamCount).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    await foreach (ChatChunk chunk in client.StreamAsync(request, BenchJson.Default.ChatChunk))
                    {
                        Interlocked.Increment(ref streamed);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }))];

        while (Interlocked.Read(ref streamed) < 10_000)
        {
            await Task.Delay(10);
        }

        var times = new double[swaps];
        for (int i = 0; i < swaps; i++)
        {
            var next = new NoOpPlugin("noop-3", generation: i + 1);
            long start = Stopwatch.GetTimestamp();
            await client.Plugins.ReplaceAsync(next);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        await done.CancelAsync();
        await Task.WhenAll(streams);
        Array.Sort(times);
        return (times[(int)Math.Ceiling(swaps * 0.99) - 1], times[^1], failed, Interlocked.Read(ref streamed));
    }

    private static (double MeanNs, long Bytes) Read(Summary summary, string method)
    {
        BenchmarkReport report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
        double mean = report.ResultStatistics?.Mean ?? double.NaN;
        long bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
        return (mean, bytes);
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Option(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : fallback;
    }
}
