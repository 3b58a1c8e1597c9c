using System.Net;
using System.Net.Sockets;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// A TCP listener on 127.0.0.1 that never accepts and whose accept queue is full, so the kernel answers no further SYN:
/// a connect to <see cref="Port"/> neither succeeds nor fails until the client gives up. Used to test connect timeouts
/// without an unroutable address.
/// </summary>
public sealed class CoreUnansweredListener : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private CoreUnansweredListener(Socket listener)
    {
        _listener = listener;
    }

    /// <summary>The listening port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The base address of the listener, ending with a slash.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Binds, listens with a backlog of <paramref name="backlog"/>, and fills the accept queue with raw client sockets.</summary>
    public static async Task<CoreUnansweredListener> StartAsync(int backlog = 1)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var result = new CoreUnansweredListener(listener);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(backlog);

            // Linux keeps backlog + 1 established connections in the accept queue; once it is full, SYNs are dropped.
            for (int i = 0; i < backlog + 1; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                result._fillers.Add(filler);
                await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, result.Port)).WaitAsync(CoreAsync.Bound);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (Socket filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (bound, noted and released), so a connect is refused.</summary>
    public static int GetClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
