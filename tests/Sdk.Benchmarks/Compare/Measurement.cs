using System.Diagnostics;

namespace Sdk.Benchmarks.Compare;

/// <summary>What the measurement loop collected for one contender.</summary>
internal sealed class Results
{
    public List<double> StreamSeconds { get; } = [];

    public List<long> StreamAllocated { get; } = [];

    public List<double> StreamCpuSeconds { get; } = [];

    public List<long> UnaryTicks { get; } = [];

    public List<long> UnaryAllocated { get; } = [];
}

/// <summary>
/// The measurement loop: warm every contender up, then alternate them over rounds (the starting contender rotates each round),
/// timing each stream and each unary request. Allocations are process-wide <see cref="GC.GetTotalAllocatedBytes(bool)"/>
/// deltas (precise), which count every thread an async call runs on, the server's included; the caller subtracts the
/// server-only contender's figure.
/// </summary>
internal sealed class Measurement
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly IReadOnlyList<IContender> _contenders;
    private readonly Decoded _expectedStream;
    private readonly Decoded _expectedUnary;
    private readonly CancellationToken _cancellationToken;

    public Measurement(IReadOnlyList<IContender> contenders, Decoded expectedStream, Decoded expectedUnary, CancellationToken cancellationToken)
    {
        _contenders = contenders;
        _expectedStream = expectedStream;
        _expectedUnary = expectedUnary;
        _cancellationToken = cancellationToken;
        foreach (IContender contender in contenders)
        {
            Results[contender.Name] = new Results();
        }
    }

    public Dictionary<string, Results> Results { get; } = [];

    /// <summary>
    /// Runs every contender <paramref name="passes"/> times, alternating, then lets the JIT's background tier-up finish.
    /// Alternating matters: a contender warmed up only before the others keeps tier-0 code while their new methods keep
    /// postponing its tier-1 compilation, and would be measured cold.
    /// </summary>
    public async Task WarmUpAsync(int passes, int streams, int requests)
    {
        for (int pass = 0; pass < passes; pass++)
        {
            foreach (IContender contender in _contenders)
            {
                for (int i = 0; i < streams; i++)
                {
                    Check(contender, await contender.StreamAsync(_cancellationToken), _expectedStream);
                }

                for (int i = 0; i < requests; i++)
                {
                    Check(contender, await contender.UnaryAsync(_cancellationToken), _expectedUnary);
                }
            }
        }

        // Tier-1 compilation runs on a background thread after a quiet period; give it that period.
        await Task.Delay(TimeSpan.FromSeconds(1), _cancellationToken);
    }

    public async Task MeasureStreamsAsync(int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (IContender contender in InRoundOrder(round))
            {
                Settle();
                TimeSpan cpu = ProcessorTime();
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                long start = Stopwatch.GetTimestamp();
                Decoded decoded = await contender.StreamAsync(_cancellationToken);
                TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                cpu = ProcessorTime() - cpu;
                Check(contender, decoded, _expectedStream);
                Results[contender.Name].StreamSeconds.Add(elapsed.TotalSeconds);
                Results[contender.Name].StreamAllocated.Add(allocated);
                Results[contender.Name].StreamCpuSeconds.Add(cpu.TotalSeconds);
            }
        }
    }

    /// <summary>
    /// Times unary requests interleaved: each turn sends one request per contender, back to back, the first contender
    /// rotating from turn to turn, so every contender's latencies are sampled over the same moments of the run and a slow
    /// phase of a noisy machine lands on all of them alike instead of on whichever block it happened to hit.
    /// </summary>
    public async Task MeasureUnaryLatencyAsync(int requests)
    {
        foreach (IContender contender in _contenders)
        {
            Results[contender.Name].UnaryTicks.EnsureCapacity(requests);
        }

        Settle();
        for (int turn = 0; turn < requests; turn++)
        {
            foreach (IContender contender in InRoundOrder(turn))
            {
                long start = Stopwatch.GetTimestamp();
                Decoded decoded = await contender.UnaryAsync(_cancellationToken);
                Results[contender.Name].UnaryTicks.Add(Stopwatch.GetTimestamp() - start);
                Check(contender, decoded, _expectedUnary);
            }
        }
    }

    /// <summary>
    /// Measures unary allocation: alternating blocks of sequential requests per contender (allocation is a process-wide
    /// counter, so it can only be attributed to one contender at a time), the first contender rotating from block to block.
    /// </summary>
    public async Task MeasureUnaryAllocationAsync(int blocks, int requestsPerBlock)
    {
        for (int block = 0; block < blocks; block++)
        {
            foreach (IContender contender in InRoundOrder(block))
            {
                Settle();
                Results results = Results[contender.Name];
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < requestsPerBlock; i++)
                {
                    Check(contender, await contender.UnaryAsync(_cancellationToken), _expectedUnary);
                }

                results.UnaryAllocated.Add(GC.GetTotalAllocatedBytes(precise: true) - allocated);
            }
        }
    }

    private IEnumerable<IContender> InRoundOrder(int round)
    {
        for (int i = 0; i < _contenders.Count; i++)
        {
            yield return _contenders[(round + i) % _contenders.Count];
        }
    }

    /// <summary>The CPU time of the whole process (client and server threads), which is less disturbed by other processes than wall time.</summary>
    private TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Starts each measured block from an empty young generation, so one contender does not pay for another's garbage.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static void Check(IContender contender, Decoded actual, Decoded expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{contender.Name} decoded {actual}, expected {expected}.");
        }
    }
}
