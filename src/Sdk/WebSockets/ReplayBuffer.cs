namespace Sdk.WebSockets;

/// <summary>
/// Sent messages waiting for an acknowledgement, in send order, at most a fixed number: a sender reserves room first
/// (<see cref="ReserveAsync"/>, outside the send lock), then adds the message when it writes it. The reader removes what
/// each received message acknowledges; a reconnect sends the rest again.
/// </summary>
internal sealed class ReplayBuffer<TSend, TReceive>(int capacity, Func<TReceive, TSend, bool> acknowledges) : IDisposable
{
    private readonly SemaphoreSlim _room = new(capacity, capacity);
    private readonly List<OutgoingMessage<TSend>> _pending = [];
    private readonly Lock _lock = new();

    public Task ReserveAsync(CancellationToken cancellationToken) => _room.WaitAsync(cancellationToken);

    public void Unreserve() => _room.Release();

    public void Add(OutgoingMessage<TSend> message)
    {
        lock (_lock)
        {
            _pending.Add(message);
        }
    }

    /// <summary>Removes every message <paramref name="received"/> acknowledges; the matcher's exceptions are the caller's.</summary>
    public void Acknowledge(TReceive received)
    {
        int freed = 0;
        lock (_lock)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                if (acknowledges(received, _pending[i].Value))
                {
                    _pending[i].Return();
                    _pending.RemoveAt(i);
                    freed++;
                }
            }
        }

        if (freed > 0)
        {
            _room.Release(freed);
        }
    }

    /// <summary>The messages still waiting, in send order (they stay in the buffer).</summary>
    public OutgoingMessage<TSend>[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _pending];
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (OutgoingMessage<TSend> message in _pending)
            {
                message.Return();
            }

            _pending.Clear();
        }

        _room.Dispose();
    }
}
