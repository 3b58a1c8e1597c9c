using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sdk.Benchmarks.Chaos;

/// <summary>
/// A loopback HTTP/1.1 server (a plain socket server, so a drop is exactly what it says) that streams <c>events</c> SSE
/// events with ids 1..N and drops the connection after a random 500 to 2,000 events on each connection: it stops in the
/// middle of the chunked body and closes the socket, as a proxy or a crashed worker would. A reconnect with
/// <c>Last-Event-ID: k</c> continues at k + 1; after the last event it sends <c>data: [DONE]</c> and ends the body. The body
/// is rendered once; a connection writes a slice of it.
/// </summary>
internal sealed class ChaosStreamServer : IAsyncDisposable
{
    private static readonly byte[] Head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"u8.ToArray();
    private readonly Socket _listener;
    private readonly byte[] _body;
    private readonly int[] _offsets;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private ChaosStreamServer(int events, int seed)
    {
        (_body, _offsets) = Render(events);
        _random = new Random(seed);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Connections served (the first plus every reconnect).</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static Task<ChaosStreamServer> StartAsync(int events, int seed) => Task.FromResult(new ChaosStreamServer(events, seed));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                Interlocked.Increment(ref _connections);
                string head = await ReadHeadAsync(socket);
                int events = _offsets.Length - 2;
                int next = 1;
                foreach (string line in head.Split("\r\n"))
                {
                    if (line.StartsWith("Last-Event-ID:", StringComparison.OrdinalIgnoreCase) &&
                        long.TryParse(line.AsSpan(14).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long last))
                    {
                        next = (int)Math.Min(last + 1, events + 1);
                    }
                }

                int run;
                lock (_lock)
                {
                    run = _random.Next(500, 2001);
                }

                int end = Math.Min(next + run, events + 1);
                bool finishes = end == events + 1;
                int from = _offsets[next - 1];
                int to = finishes ? _body.Length : _offsets[end - 1];

                await socket.SendAsync(Head, _stop.Token);
                await socket.SendAsync(Encoding.ASCII.GetBytes((to - from).ToString("x", CultureInfo.InvariantCulture) + "\r\n"), _stop.Token);
                await socket.SendAsync(_body.AsMemory(from, to - from), _stop.Token);
                if (finishes)
                {
                    await socket.SendAsync("\r\n0\r\n\r\n"u8.ToArray(), _stop.Token);
                }

                // Either way the connection ends here; without the last chunk, the body is cut off mid-stream.
                socket.Shutdown(SocketShutdown.Send);
                await DrainAsync(socket);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away first.
            }
        }
    }

    private async Task<string> ReadHeadAsync(Socket socket)
    {
        var received = new List<byte>(1024);
        byte[] buffer = new byte[1024];
        while (received.Count < 64 * 1024)
        {
            int read = await socket.ReceiveAsync(buffer, _stop.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
            if (received.Count >= 4 && CollectionsMarshalEndsWith(received, "\r\n\r\n"u8))
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. received]);
    }

    private static bool CollectionsMarshalEndsWith(List<byte> bytes, ReadOnlySpan<byte> suffix) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).EndsWith(suffix);

    /// <summary>Waits for the client to close its side, so closing ours sends a FIN, not a reset that would discard what it has not read.</summary>
    private async Task DrainAsync(Socket socket)
    {
        byte[] buffer = new byte[256];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
        {
        }
    }

    /// <summary>The whole stream, and the offset where each event starts (event k at offsets[k - 1]; [DONE] at offsets[N]).</summary>
    private static (byte[] Body, int[] Offsets) Render(int events)
    {
        var offsets = new int[events + 2];
        var bytes = new List<byte>(events * 240);
        for (int k = 1; k <= events; k++)
        {
            offsets[k - 1] = bytes.Count;
            bytes.AddRange(Encoding.UTF8.GetBytes(string.Create(
                CultureInfo.InvariantCulture,
                $"id: {k}\ndata: {{\"Seq\":{k},\"Text\":\"chunk {k} of the chaos stream, about the size of a chat token event with its envelope\"}}\n\n")));
        }

        offsets[events] = bytes.Count;
        bytes.AddRange("data: [DONE]\n\n"u8.ToArray());
        offsets[events + 1] = bytes.Count;
        return ([.. bytes], offsets);
    }
}
