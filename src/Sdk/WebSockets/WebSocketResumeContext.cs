namespace Sdk.WebSockets;

/// <summary>
/// What <see cref="WebSocketSessionOptions{TSend, TReceive}.OnConnected"/> gets: the new socket, before the session's reads
/// and queued sends continue on it. Send what the server needs to continue (re-subscribe, a cursor) with <see cref="SendAsync"/>.
/// </summary>
/// <typeparam name="TSend">The session's send type.</typeparam>
public sealed class WebSocketResumeContext<TSend>
{
    private readonly Func<TSend, CancellationToken, ValueTask> _send;

    internal WebSocketResumeContext(int reconnects, long delivered, long? lastSequence, Func<TSend, CancellationToken, ValueTask> send)
    {
        Reconnects = reconnects;
        MessagesDelivered = delivered;
        LastSequence = lastSequence;
        _send = send;
    }

    /// <summary>How many times the session reconnected, this connection included: 0 for the first connection.</summary>
    public int Reconnects { get; }

    /// <summary>Whether this is a reconnect (not the session's first connection).</summary>
    public bool IsReconnect => Reconnects > 0;

    /// <summary>How many messages the session delivered so far.</summary>
    public long MessagesDelivered { get; }

    /// <summary>The sequence number of the last message delivered (<see cref="WebSocketSessionOptions{TSend, TReceive}.SequenceOf"/>), or <see langword="null"/>.</summary>
    public long? LastSequence { get; }

    /// <summary>Sends a message on the new socket at once, ahead of anything queued.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was written.</returns>
    public ValueTask SendAsync(TSend message, CancellationToken cancellationToken = default) => _send(message, cancellationToken);
}
