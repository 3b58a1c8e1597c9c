using System.Diagnostics;
using System.Globalization;

namespace Sdk.Benchmarks.Chaos;

/// <summary>
/// <c>chaos [--events N] [--seed S]</c>: streams N events with ids through <see cref="SdkClient.StreamAsync{T}"/> (default
/// options) from <see cref="ChaosStreamServer"/>, which drops the connection every 500 to 2,000 events, and checks that
/// every event arrives exactly once, in order.
/// </summary>
internal static class ChaosCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = Option(args, "--events", 100_000);
        int seed = Option(args, "--seed", 20261122);
        await using ChaosStreamServer server = await ChaosStreamServer.StartAsync(events, seed);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        var seen = new bool[events + 1];
        long delivered = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long previous = 0;
        var clock = Stopwatch.StartNew();
        StreamResult<ChaosEvent> stream = client.StreamAsync(ApiRequest.Get("chaos"), ChaosJson.Default.ChaosEvent);
        await foreach (ChaosEvent item in stream)
        {
            delivered++;
            if (item.Seq < 1 || item.Seq > events || seen[item.Seq])
            {
                duplicated++;
                continue;
            }

            seen[item.Seq] = true;
            outOfOrder += item.Seq < previous ? 1 : 0;
            previous = item.Seq;
        }

        clock.Stop();
        long lost = seen.Skip(1).LongCount(s => !s);
        Console.WriteLine($"# {events} events with ids; the server drops the connection every 500 to 2,000 events (seed {seed}); Sdk default options");
        Line($"chaos.events={events}");
        Line($"chaos.delivered={delivered}");
        Line($"chaos.lost={lost}");
        Line($"chaos.duplicated={duplicated}");
        Line($"chaos.out_of_order={outOfOrder}");
        Line($"chaos.reconnects={stream.Resumes}");
        Line($"chaos.server_connections={server.Connections}");
        Line($"chaos.sentinel={stream.SawTerminalSentinel}");
        Line($"chaos.seconds={clock.Elapsed.TotalSeconds:0.000}");
        Line($"target.chaos_lost_zero={(lost == 0 ? "met" : "missed")}");
        Line($"target.chaos_duplicated_zero={(duplicated == 0 ? "met" : "missed")}");
        return lost == 0 && duplicated == 0 ? 0 : 1;
    }

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
