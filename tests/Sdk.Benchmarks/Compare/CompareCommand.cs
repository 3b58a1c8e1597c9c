using System.Diagnostics;
using System.Globalization;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Compare;

/// <summary>
/// <c>compare [--events N] [--rounds R] [--requests N] [--blocks B]</c>: raw HttpClient + SseParser, the Sdk and the OpenAI
/// package side by side against one local Kestrel server, printed as <c>key=value</c> lines (comments start with <c>#</c>).
/// </summary>
internal static class CompareCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int blocks = Option(args, "--blocks", 20);
        var setup = new Setup(
            Events: Option(args, "--events", 100_000),
            Rounds: Option(args, "--rounds", 21),
            Blocks: blocks,
            RequestsPerBlock: Math.Max(1, Option(args, "--requests", 5_000) / blocks));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var clock = Stopwatch.StartNew();

        (byte[] body, long textLength) = Payloads.CreateSseBody(setup.Events);
        var expectedStream = new Decoded(setup.Events, textLength);
        var expectedUnary = new Decoded(1, Payloads.UnaryTextLength);
        await using BenchServer server = await BenchServer.StartAsync(body);
        IContender[] contenders =
        [
            new ServerOnlyContender(server.BaseAddress, expectedStream),
            new RawContender(server.BaseAddress),
            new SdkContender(server.BaseAddress),
            new OpenAiContender(server.BaseAddress),
            .. args.Contains("--bare") ? [new SdkContender(server.BaseAddress, bare: true)] : Array.Empty<IContender>(),
        ];

        try
        {
            var measurement = new Measurement(contenders, expectedStream, expectedUnary, timeout.Token);
            await measurement.WarmUpAsync(passes: 3, streams: 1, requests: 300);
            await measurement.MeasureStreamsAsync(setup.Rounds);
            await measurement.MeasureUnaryLatencyAsync(setup.Blocks * setup.RequestsPerBlock);
            await measurement.MeasureUnaryAllocationAsync(setup.Blocks, setup.RequestsPerBlock);
            Console.WriteLine($"# server {server.BaseAddress}: {setup.Events} chunk events, {(body.Length / (double)setup.Events).ToString("0.0", CultureInfo.InvariantCulture)} bytes each on the wire, then data: [DONE]");
            Report.Print(measurement.Results, setup);
        }
        finally
        {
            foreach (IContender contender in contenders)
            {
                await contender.DisposeAsync();
            }
        }

        Console.WriteLine($"# total run time {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>The sizes of one compare run.</summary>
internal readonly record struct Setup(int Events, int Rounds, int Blocks, int RequestsPerBlock);
