using Sdk.Benchmarks.Compare;
using Sdk.Benchmarks.Micro;

namespace Sdk.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Sdk.Benchmarks -- micro [BenchmarkDotNet args]</c> runs the decode-path
/// micro-benchmarks; <c>-- compare</c> runs the side-by-side harness against a local Kestrel server; <c>-- chaos</c> streams
/// through a server that keeps dropping the connection and checks nothing is lost or duplicated; <c>-- hooks</c> measures
/// plugin dispatch, lookup and hot swap; <c>-- websocket</c> receives JSON messages through a raw
/// <c>ClientWebSocket</c> loop and an Sdk session.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: dotnet run -c Release --project tests/Sdk.Benchmarks -- micro [BenchmarkDotNet args] | compare [--events N] [--rounds R] [--requests N] [--blocks B] | chaos [--events N] [--seed S] | hooks [--swaps N] [--streams S] | websocket [--messages N] [--rounds R] [--keepalive]";

    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "micro":
                return MicroCommand.Run(args[1..]);
            case "chaos":
                return await Chaos.ChaosCommand.RunAsync(args[1..]);
            case "compare":
                return await CompareCommand.RunAsync(args[1..]);
            case "hooks":
                return await Hooks.HooksCommand.RunAsync(args[1..]);
            case "websocket":
                return await WebSockets.WebSocketCommand.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
