using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// A hand-made WebSocket server on a <see cref="TcpListener"/> (127.0.0.1, random port) for protocol edge cases: it
/// reads each upgrade request (bounded), answers <c>101</c> with the right <c>Sec-WebSocket-Accept</c> (or what
/// <see cref="RawWsOptions.Response"/> says), then runs the test's script, which writes raw bytes (see <see cref="Frames"/>).
/// Any path is accepted. Dispose it to close every connection.
/// </summary>
public sealed class RawWsServer : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Func<RawWsConnection, CancellationToken, Task> _script;
    private readonly RawWsOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChangeSignal _signal = new();
    private readonly Lock _lock = new();
    private readonly List<RawWsConnection> _connections = [];
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _handlers = [];
    private readonly List<Exception> _errors = [];
    private readonly Task _acceptLoop;
    private int _accepted;
    private int _disposed;

    private RawWsServer(Func<RawWsConnection, CancellationToken, Task> script, RawWsOptions options)
    {
        _script = script;
        _options = options;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The server's base address, ending with a slash (for example <c>http://127.0.0.1:41234/</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Upgraded connections so far (the 101, or the custom answer, was written).</summary>
    public int Connections
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>The upgraded connections, in order (a snapshot).</summary>
    public IReadOnlyList<RawWsConnection> AcceptedConnections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>The raw request head of each upgraded connection, in order.</summary>
    public IReadOnlyList<string> Requests => [.. AcceptedConnections.Select(c => c.Request)];

    /// <summary>Exceptions scripts threw other than the connection going away (should stay empty).</summary>
    public IReadOnlyList<Exception> ScriptErrors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts a server that runs <paramref name="script"/> on every connection after the handshake.</summary>
    public static RawWsServer Start(Func<RawWsConnection, CancellationToken, Task> script, RawWsOptions? options = null) =>
        new(script, options ?? new RawWsOptions());

    /// <summary>Starts a server whose script gets only the connection's stream.</summary>
    public static RawWsServer StartWithStream(Func<Stream, CancellationToken, Task> script, RawWsOptions? options = null) =>
        new((connection, cancellationToken) => script(connection.Stream, cancellationToken), options ?? new RawWsOptions());

    /// <summary>Starts a server that writes <paramref name="bytes"/> (for example <see cref="Frames.Concat"/>) on every connection after the handshake.</summary>
    public static RawWsServer Start(byte[] bytes, RawWsOptions? options = null) =>
        new((connection, cancellationToken) => connection.WriteAsync(bytes, cancellationToken), options ?? new RawWsOptions());

    /// <summary>The <c>ws://</c> address of <paramref name="relative"/>.</summary>
    public Uri WebSocketUri(string relative = "ws") => WsUri.For(BaseAddress, relative);

    /// <summary>Waits until at least <paramref name="n"/> connections were upgraded.</summary>
    public Task WaitForConnectionsAsync(int n, TimeSpan timeout) =>
        _signal.WaitUntilAsync(() => Connections >= n, timeout, () => $"{Connections} of {n} connections upgraded");

    /// <summary>Waits for connection <paramref name="index"/> (from 0) and returns it.</summary>
    public async Task<RawWsConnection> WaitForConnectionAsync(int index, TimeSpan timeout)
    {
        await WaitForConnectionsAsync(index + 1, timeout);
        return AcceptedConnections[index];
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] handlers;
        lock (_lock)
        {
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }

            handlers = [.. _handlers];
        }

        try
        {
            await Task.WhenAll([_acceptLoop, .. handlers]).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Handlers end with the connections they were serving.
        }

        _listener.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stopping.Token);
                int index = Interlocked.Increment(ref _accepted) - 1;
                lock (_lock)
                {
                    _sockets.Add(socket);
                    _handlers.Add(HandleAsync(socket, index));
                }
            }
        }
        catch (Exception)
        {
            // Stopped.
        }
    }

    private async Task HandleAsync(Socket socket, int index)
    {
        await Task.Yield();
        CancellationToken stopping = _stopping.Token;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            (string Head, byte[] Leftover)? request;
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                handshake.CancelAfter(HandshakeTimeout);
                request = await RawWsHandshake.ReadRequestAsync(stream, handshake.Token);
            }

            if (request is not { } head)
            {
                return;
            }

            string key = RawWsHandshake.ParseHeaders(head.Head).TryGetValue("Sec-WebSocket-Key", out string? k) ? k : "";
            string response = _options.Response?.Invoke(key)
                ?? (key.Length == 0
                    ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : RawWsHandshake.SwitchingProtocols(key, _options.SubProtocol, _options.ExtraResponseHeaders));
            var connection = new RawWsConnection(index, socket, stream, head.Head, head.Leftover, _signal);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), stopping);
            lock (_lock)
            {
                _connections.Add(connection);
            }

            _signal.Notify();
            if (_options.DrainClient)
            {
                connection.StartDraining(answerClose: false, stopping);
            }

            await RunScriptAsync(connection, stopping);
            if (!_options.KeepOpen)
            {
                connection.CloseTcp();
                return;
            }

            connection.StartDraining(_options.AnswerClose, stopping);
            await connection.OnScriptDoneAsync(_options.AnswerClose, stopping);
            await connection.ClientGone.WaitAsync(stopping);
        }
        catch (Exception)
        {
            // The client went away or the server is stopping.
        }
    }

    private async Task RunScriptAsync(RawWsConnection connection, CancellationToken stopping)
    {
        try
        {
            await _script(connection, stopping);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _errors.Add(ex);
            }
        }
    }
}
