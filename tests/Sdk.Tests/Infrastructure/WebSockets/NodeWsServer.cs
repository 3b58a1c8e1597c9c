using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>Counters of the Node server (<c>GET /stats</c>).</summary>
public sealed record NodeWsStats(int Connections, int Pings, int Pongs);

/// <summary>
/// The <c>ws</c> package's server (Node.js, <c>tests/Sdk.Tests/WebSockets/node/server.js</c>) on 127.0.0.1 with a random
/// port: <c>ws/echo</c>, <c>ws/fragmented?parts=P&amp;count=1</c>, <c>ws/seq?from=N&amp;count=M&amp;killAfter=K</c>,
/// <c>ws/close?code=C&amp;reason=R&amp;after=K</c>, <c>ws/ping?intervalMs=50</c>. Use it from <see cref="NodeFactAttribute"/>
/// tests. Dispose it to end the process (stdin closed, then the process tree killed if still running).
/// </summary>
public sealed class NodeWsServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private Task _stdout = Task.CompletedTask;
    private int _disposed;

    private NodeWsServer(Process process)
    {
        _process = process;
    }

    /// <summary>The server's base address, ending with a slash (for example <c>http://127.0.0.1:41234/</c>).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the process wrote to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The <c>ws://</c> address of <paramref name="relative"/> (for example <c>ws/echo</c>).</summary>
    public Uri WebSocketUri(string relative) => WsUri.For(BaseAddress, relative);

    /// <summary>Starts <c>node server.js</c> and waits (10 s at most) for its <c>LISTENING &lt;port&gt;</c> line.</summary>
    public static async Task<NodeWsServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (NodeEnvironment.SkipReason is string reason)
        {
            throw new InvalidOperationException($"The Node server cannot run: {reason}.");
        }

        var start = new ProcessStartInfo(NodeEnvironment.NodePath!, "server.js")
        {
            WorkingDirectory = NodeEnvironment.Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var server = new NodeWsServer(process);
        try
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (server._lock)
                    {
                        server._stderr.AppendLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(StartTimeout);
            int port = await server.ReadPortAsync(cts.Token);
            server.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            server._stdout = server.DrainStdoutAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server's counters: connections accepted, pings sent and pongs received on <c>ws/ping</c>.</summary>
    public async Task<NodeWsStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseAddress, "stats"), cancellationToken));
        JsonElement root = document.RootElement;
        return new NodeWsStats(root.GetProperty("connections").GetInt32(), root.GetProperty("pings").GetInt32(), root.GetProperty("pongs").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // Already gone.
            }
        }

        try
        {
            await _stdout.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
            // The pipe closes with the process.
        }

        _process.Dispose();
    }

    private async Task<int> ReadPortAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is string line)
            {
                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan("LISTENING ".Length), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node server.js printed no LISTENING line within {StartTimeout.TotalSeconds:0} s. stderr: {StandardError}");
        }

        throw new InvalidOperationException($"node server.js exited before listening. stderr: {StandardError}");
    }

    private async Task DrainStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception)
        {
            // The process is gone.
        }
    }
}
