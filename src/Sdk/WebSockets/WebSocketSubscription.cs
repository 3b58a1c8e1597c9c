using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Sdk.WebSockets;

/// <summary>
/// One logical subscription of a <see cref="WebSocketPool{TSend, TReceive}"/>: its reader sees only the messages routed to
/// its key, across the socket's reconnects (re-subscribed with its last sequence number). Dispose it to unsubscribe.
/// </summary>
/// <typeparam name="TSend">The type sent.</typeparam>
/// <typeparam name="TReceive">The type received.</typeparam>
public sealed class WebSocketSubscription<TSend, TReceive> : IAsyncDisposable
{
    private readonly Channel<TReceive> _messages;
    private int _disposed;

    internal WebSocketSubscription(string key, PooledSocket<TSend, TReceive> socket, int capacity)
    {
        Key = key;
        Socket = socket;
        _messages = Channel.CreateBounded<TReceive>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The subscription's key.</summary>
    public string Key { get; }

    /// <summary>The sequence number of the last message routed to this subscription, or <see langword="null"/>.</summary>
    public long? LastSequence { get; internal set; }

    /// <summary>How many messages were routed to this subscription.</summary>
    public long MessagesReceived { get; private set; }

    internal PooledSocket<TSend, TReceive> Socket { get; }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The subscription's messages, until it is disposed (the enumeration ends) or its socket fails for good (<see cref="WebSocketSessionException"/>).</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The messages.</returns>
    public async IAsyncEnumerable<TReceive> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChannelReader<TReceive> reader = _messages.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out TReceive? message))
            {
                yield return message;
            }
        }
    }

    /// <summary>Sends a message on the subscription's socket (see <see cref="WebSocketSession{TSend, TReceive}.SendAsync"/>).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting for room in the send queue.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    public ValueTask SendAsync(TSend message, CancellationToken cancellationToken = default) => Socket.SendAsync(message, cancellationToken);

    /// <summary>Unsubscribes (sends the unsubscribe message, if any) and ends the reader; the socket closes after the pool's idle delay once it has no subscription left.</summary>
    /// <returns>A task that completes when the unsubscribe message is queued.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _messages.Writer.TryComplete();
            await Socket.RemoveAsync(this).ConfigureAwait(false);
        }
    }

    internal ValueTask WriteAsync(TReceive message, long? sequence, CancellationToken cancellationToken)
    {
        MessagesReceived++;
        if (sequence is not null)
        {
            LastSequence = sequence;
        }

        return _messages.Writer.TryWrite(message) ? default : WriteSlowAsync(message, cancellationToken);
    }

    private async ValueTask WriteSlowAsync(TReceive message, CancellationToken cancellationToken)
    {
        try
        {
            await _messages.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Disposed meanwhile: the message is not needed any more.
        }
    }

    internal void Complete(Exception? failure) => _messages.Writer.TryComplete(failure);
}
