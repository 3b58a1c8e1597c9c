using System.Net;
using System.Net.Sockets;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// A TCP listener on 127.0.0.1 that accepts every connection, counts it and resets it (no HTTP answer): a dead endpoint
/// whose connection attempts a test can count, unlike a closed port. By default it waits for the first bytes of the request
/// before the reset, so the client sees a request that failed before its headers; <c>resetAtOnce</c> resets right after
/// the accept, racing the client's connection setup.
/// </summary>
public sealed class ChaosResettingListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly bool _resetAtOnce;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    private ChaosResettingListener(Socket listener, bool resetAtOnce)
    {
        _listener = listener;
        _resetAtOnce = resetAtOnce;
        _loop = AcceptAsync();
    }

    /// <summary>The base address, ending with a slash.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");

    /// <summary>Connections accepted (and reset) so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Starts listening.</summary>
    public static ChaosResettingListener Start(bool resetAtOnce = false)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        return new ChaosResettingListener(listener, resetAtOnce);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static async Task ResetAsync(Socket connection, bool readFirst, CancellationToken stop)
    {
        try
        {
            if (readFirst)
            {
                await connection.ReceiveAsync(new byte[1024], SocketFlags.None, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // Reset anyway.
        }
        finally
        {
            connection.LingerState = new LingerOption(true, 0); // close with a reset
            connection.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection = await _listener.AcceptAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = ResetAsync(connection, !_resetAtOnce, _stop.Token);
        }
    }
}
