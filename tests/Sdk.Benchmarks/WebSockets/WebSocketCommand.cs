using System.Diagnostics;
using System.Globalization;
using Sdk.Benchmarks.Compare;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.WebSockets;

/// <summary>
/// <c>websocket [--messages N] [--rounds R]</c>: N JSON messages of the compare chunk shape from a local Kestrel WebSocket
/// server, through a raw <c>ClientWebSocket</c> loop and through an Sdk session, in one run, alternating; printed as
/// <c>key=value</c> lines (comments start with <c>#</c>). <c>--keepalive</c> adds the raw loop with the Sdk's default
/// keep-alive timeout, as a diagnostic.
/// </summary>
internal static class WebSocketCommand
{
    private const string Raw = "raw";
    private const string Sdk = "sdk";
    private const string ServerOnly = "server_only";

    public static async Task<int> RunAsync(string[] args)
    {
        int messages = Option(args, "--messages", 100_000);
        int rounds = Option(args, "--rounds", 11);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var clock = Stopwatch.StartNew();
        (byte[][] payloads, long textLength) = Payloads.CreateChunkMessages(messages);
        await using WsBenchServer server = await WsBenchServer.StartAsync(payloads);
        IWsContender[] contenders =
        [
            new RawWsContender(server.WebSocketUri, decode: false),
            new RawWsContender(server.WebSocketUri, decode: true),
            new SdkWsContender(server.BaseAddress),
            .. args.Contains("--keepalive")
                ? [new RawWsContender(server.WebSocketUri, decode: true, keepAliveTimeout: true), new SdkWsContender(server.BaseAddress, keepAliveTimeout: false)]
                : Array.Empty<IWsContender>(),
        ];
        var seconds = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        var allocated = contenders.ToDictionary(c => c.Name, _ => new List<long>());
        try
        {
            // Warm-up, alternating (see the compare harness: a contender warmed alone keeps tier-0 code), then a pause for tier-1.
            for (int pass = 0; pass < 3; pass++)
            {
                foreach (IWsContender contender in contenders)
                {
                    Check(contender, await contender.ReceiveAllAsync(timeout.Token), messages, textLength);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < contenders.Length; i++)
                {
                    IWsContender contender = contenders[(round + i) % contenders.Length];
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    long start = Stopwatch.GetTimestamp();
                    Decoded decoded = await contender.ReceiveAllAsync(timeout.Token);
                    seconds[contender.Name].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    allocated[contender.Name].Add(GC.GetTotalAllocatedBytes(precise: true) - before);
                    Check(contender, decoded, messages, textLength);
                }
            }
        }
        finally
        {
            foreach (IWsContender contender in contenders)
            {
                await contender.DisposeAsync();
            }
        }

        double serverBytes = Median(allocated[ServerOnly].Select(v => (double)v));
        double Rate(string name) => messages / Median(seconds[name]);
        double Alloc(string name) => (Median(allocated[name].Select(v => (double)v)) - serverBytes) / messages;
        double paired = Median(seconds[Raw].Zip(seconds[Sdk], (r, s) => r / s));

        Comment($"{messages} messages of the compare chunk shape ({payloads.Average(p => p.Length):0.0} bytes of JSON each) per connection, then a normal close;");
        Comment($"  {rounds} rounds after 3 alternating warm-up passes; in each round every contender opens a connection and receives everything, the first rotating");
        Comment($"raw = ClientWebSocket + pooled buffer + frames reassembled + source-generated System.Text.Json, sending the same Authorization header;");
        Comment($"  sdk = SdkClient.ConnectAsync (default options, bearer credential, built-in plugins) + await foreach over ReadAllAsync");
        Comment($"msgs_per_s = messages / median round time (handshake included); ratio = ratio of those medians; paired_ratio = median of the per-round ratios");
        Comment($"alloc = median GC.GetTotalAllocatedBytes(precise) delta per round, minus server_only's (a raw loop that decodes nothing: the server's and the frames' share, {serverBytes / messages:0.0} B/message), per message");
        foreach (IWsContender contender in contenders)
        {
            Comment($"{contender.Name}: msgs/s per round {string.Join(' ', seconds[contender.Name].Select(t => (messages / t).ToString("0", CultureInfo.InvariantCulture)))}");
        }

        double ratio = Rate(Sdk) / Rate(Raw);
        double allocRatio = Alloc(Sdk) / Alloc(Raw);
        Line($"ws.msgs_per_s.server_only={Rate(ServerOnly):0}");
        Line($"ws.msgs_per_s.raw={Rate(Raw):0}");
        Line($"ws.msgs_per_s.sdk={Rate(Sdk):0}");
        Line($"ws.alloc_per_msg.raw={Alloc(Raw):0.0}");
        Line($"ws.alloc_per_msg.sdk={Alloc(Sdk):0.0}");
        Line($"ws.ratio.sdk_vs_raw={ratio:0.000}");
        Line($"ws.paired_ratio.sdk_vs_raw={paired:0.000}");
        Line($"ws.alloc_ratio.sdk_vs_raw={allocRatio:0.000}");
        if (seconds.ContainsKey("raw_keepalive"))
        {
            Line($"ws.msgs_per_s.raw_keepalive={Rate("raw_keepalive"):0}");
            Line($"ws.ratio.sdk_vs_raw_keepalive={Rate(Sdk) / Rate("raw_keepalive"):0.000}");
            Line($"ws.ratio.raw_keepalive_vs_raw={Rate("raw_keepalive") / Rate(Raw):0.000}");
            Line($"ws.msgs_per_s.sdk_no_keepalive={Rate("sdk_no_keepalive"):0}");
            Line($"ws.ratio.sdk_no_keepalive_vs_raw={Rate("sdk_no_keepalive") / Rate(Raw):0.000}");
        }

        Comment($"targets: ws.ratio.sdk_vs_raw >= 0.9, ws.alloc_ratio.sdk_vs_raw <= 1.2");
        Line($"target.ws_throughput_vs_raw={(ratio >= 0.9 ? "met" : "missed")}");
        Line($"target.ws_alloc_vs_raw={(allocRatio <= 1.2 ? "met" : "missed")}");
        Comment($"total run time {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static void Check(IWsContender contender, Decoded decoded, int messages, long textLength)
    {
        long expectedText = contender.Name == ServerOnly ? 0 : textLength;
        if (decoded.Items != messages || decoded.TextLength != expectedText)
        {
            throw new InvalidOperationException($"{contender.Name} received {decoded}, expected {messages} messages and {expectedText} text characters.");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static void Comment(FormattableString text) => Console.WriteLine("# " + text.ToString(CultureInfo.InvariantCulture));
}
