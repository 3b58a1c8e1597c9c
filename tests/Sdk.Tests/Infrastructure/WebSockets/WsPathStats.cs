namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>Live counters of one endpoint path of <see cref="KestrelWsServer"/>; read them any time.</summary>
public sealed class WsPathStats
{
    private readonly ChangeSignal _signal;
    private int _requests;
    private int _connections;
    private int _open;
    private int _maxOpen;
    private long _sent;
    private long _received;

    internal WsPathStats(string path, ChangeSignal signal)
    {
        Path = path;
        _signal = signal;
    }

    /// <summary>The path without the leading slash, for example <c>ws/seq</c>.</summary>
    public string Path { get; }

    /// <summary>Requests that reached the path (accepted, refused or not WebSocket requests).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>WebSockets accepted on the path since start.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>WebSockets on the path whose handler is still running.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most WebSockets open on the path at the same time.</summary>
    public int MaxOpen => Volatile.Read(ref _maxOpen);

    /// <summary>Messages the server sent on the path (all connections).</summary>
    public long MessagesSent => Interlocked.Read(ref _sent);

    /// <summary>Whole messages the server received on the path (all connections; control frames excluded).</summary>
    public long MessagesReceived => Interlocked.Read(ref _received);

    internal void OnRequest()
    {
        Interlocked.Increment(ref _requests);
        _signal.Notify();
    }

    /// <summary>Counts an accepted socket and returns its index among this path's connections, from 0.</summary>
    internal int OnAccepted()
    {
        int index = Interlocked.Increment(ref _connections) - 1;
        int open = Interlocked.Increment(ref _open);
        int max;
        while (open > (max = Volatile.Read(ref _maxOpen)) && Interlocked.CompareExchange(ref _maxOpen, open, max) != max)
        {
        }

        _signal.Notify();
        return index;
    }

    internal void OnClosed()
    {
        Interlocked.Decrement(ref _open);
        _signal.Notify();
    }

    internal void OnSent()
    {
        Interlocked.Increment(ref _sent);
        _signal.Notify();
    }

    internal void OnReceived()
    {
        Interlocked.Increment(ref _received);
        _signal.Notify();
    }

    public override string ToString() =>
        $"{Path}: requests={Requests} connections={Connections} open={Open} maxOpen={MaxOpen} sent={MessagesSent} received={MessagesReceived}";
}
