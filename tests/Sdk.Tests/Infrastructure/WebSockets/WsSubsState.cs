namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>One <c>sub</c> or <c>unsub</c> a client sent on <c>ws/subs</c>, recorded once the server has acted on it.</summary>
/// <param name="Connection">Index of the connection among those on <c>ws/subs</c>, from 0.</param>
/// <param name="Op"><c>sub</c> or <c>unsub</c>.</param>
/// <param name="Key">The subscription key.</param>
/// <param name="From">The <c>from</c> of a <c>sub</c> (the last sequence the client had), or <see langword="null"/>.</param>
public sealed record WsSubOp(int Connection, string Op, string Key, long? From);

/// <summary>What clients subscribed to on <c>ws/subs</c> of <see cref="KestrelWsServer"/>; every property is a snapshot.</summary>
public sealed class WsSubsState
{
    private readonly ChangeSignal _signal;
    private readonly WsPathStats _stats;
    private readonly Lock _lock = new();
    private readonly List<WsSubOp> _ops = [];
    private readonly Dictionary<int, HashSet<string>> _active = [];
    private readonly Dictionary<int, HashSet<string>> _ever = [];

    internal WsSubsState(ChangeSignal signal, WsPathStats stats)
    {
        _signal = signal;
        _stats = stats;
    }

    /// <summary>Sockets open on <c>ws/subs</c> right now.</summary>
    public int Open => _stats.Open;

    /// <summary>The most sockets open on <c>ws/subs</c> at the same time.</summary>
    public int MaxOpen => _stats.MaxOpen;

    /// <summary>Every sub and unsub, in the order the server acted on them.</summary>
    public IReadOnlyList<WsSubOp> Ops
    {
        get
        {
            lock (_lock)
            {
                return [.. _ops];
            }
        }
    }

    /// <summary>Keys subscribed right now, per open connection index.</summary>
    public IReadOnlyDictionary<int, IReadOnlySet<string>> ActiveKeys
    {
        get
        {
            lock (_lock)
            {
                return _active.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value.ToHashSet(StringComparer.Ordinal));
            }
        }
    }

    /// <summary>Keys ever subscribed, per connection index (closed connections included).</summary>
    public IReadOnlyDictionary<int, IReadOnlySet<string>> KeysPerConnection
    {
        get
        {
            lock (_lock)
            {
                return _ever.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value.ToHashSet(StringComparer.Ordinal));
            }
        }
    }

    /// <summary>All keys subscribed right now, over every open connection.</summary>
    public IReadOnlySet<string> AllActiveKeys
    {
        get
        {
            lock (_lock)
            {
                return _active.Values.SelectMany(k => k).ToHashSet(StringComparer.Ordinal);
            }
        }
    }

    internal void OnOpened(int connection)
    {
        lock (_lock)
        {
            _active[connection] = new HashSet<string>(StringComparer.Ordinal);
            _ever[connection] = new HashSet<string>(StringComparer.Ordinal);
        }

        _signal.Notify();
    }

    internal void OnOp(WsSubOp op)
    {
        lock (_lock)
        {
            _ops.Add(op);
            if (op.Op == "sub")
            {
                _active[op.Connection].Add(op.Key);
                _ever[op.Connection].Add(op.Key);
            }
            else
            {
                _active[op.Connection].Remove(op.Key);
            }
        }

        _signal.Notify();
    }

    internal void OnClosed(int connection)
    {
        lock (_lock)
        {
            _active.Remove(connection);
        }

        _signal.Notify();
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return $"ws/subs: open={Open} maxOpen={MaxOpen} active=[{string.Join(", ", _active.Select(p => $"{p.Key}:{string.Join("|", p.Value)}"))}]";
        }
    }
}
