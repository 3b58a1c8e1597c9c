namespace Sdk.WebSockets;

/// <summary>
/// Per-session behaviour: a callback on every (re)connection, sequence numbers for a lossless, duplicate-free receive
/// stream across reconnects, an application heartbeat, and replay of unacknowledged sends.
/// </summary>
/// <typeparam name="TSend">The type sent.</typeparam>
/// <typeparam name="TReceive">The type received.</typeparam>
public sealed class WebSocketSessionOptions<TSend, TReceive>
{
    /// <summary>
    /// Runs on each new socket before reads and queued sends continue on it: on the first connection and after every
    /// reconnect (<see cref="WebSocketResumeContext{TSend}.IsReconnect"/>). Re-subscribe or send a cursor here
    /// (<see cref="WebSocketResumeContext{TSend}.LastSequence"/>). An exception fails that connection attempt.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public Func<WebSocketResumeContext<TSend>, CancellationToken, ValueTask>? OnConnected { get; set; }

    /// <summary>
    /// Reads a message's sequence number (or id, as a number). The session then drops any message whose number is not
    /// greater than the last one delivered, so a server that replays from a cursor after a reconnect causes no duplicate.
    /// Return <see langword="null"/> for messages without one; they are always delivered.
    /// </summary>
    /// <value><see langword="null"/>: no de-duplication.</value>
    public Func<TReceive, long?>? SequenceOf { get; set; }

    /// <summary>An application-level heartbeat message (for servers that expect one), sent every <see cref="HeartbeatInterval"/>.</summary>
    /// <value><see langword="null"/>: none (the protocol-level keep-alive still runs).</value>
    public Func<TSend>? Heartbeat { get; set; }

    /// <summary>How often <see cref="Heartbeat"/> is sent.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a heartbeat some message must arrive before the connection is treated as dead (reconnected, or
    /// <see cref="WebSocketFailureReason.HeartbeatTimeout"/>). Must be shorter than <see cref="HeartbeatInterval"/>.
    /// </summary>
    /// <value>10 seconds.</value>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Recognizes heartbeat replies, which are then not delivered to the reader.</summary>
    /// <value><see langword="null"/>: every message is delivered.</value>
    public Func<TReceive, bool>? IsHeartbeatReply { get; set; }

    /// <summary>
    /// Turns on replay of unacknowledged sends: <c>(received, sent)</c> is <see langword="true"/> when a received message
    /// acknowledges a sent one. Sent messages wait in a buffer of <see cref="ReplayCapacity"/> until acknowledged; after a
    /// reconnect, those still waiting are sent again, in order, after <see cref="OnConnected"/>. Acknowledgements are read
    /// by the session's reader, so a session that replays must be read.
    /// </summary>
    /// <value><see langword="null"/>: no replay; a message whose write failed is sent again on the next socket.</value>
    public Func<TReceive, TSend, bool>? Acknowledges { get; set; }

    /// <summary>How many sent messages may wait for an acknowledgement; when full, sends wait (backpressure).</summary>
    /// <value>256.</value>
    public int ReplayCapacity { get; set; } = ClientDefaults.WebSocketReplayCapacity;

    /// <summary>The session's connection settings, instead of the client's <see cref="ClientOptions.WebSockets"/>.</summary>
    /// <value><see langword="null"/>: the client's.</value>
    public WebSocketOptions? Settings { get; set; }

    internal void Validate(List<string> errors)
    {
        if (Heartbeat is not null)
        {
            if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatTimeout <= TimeSpan.Zero)
            {
                errors.Add("HeartbeatInterval and HeartbeatTimeout must be positive.");
            }
            else if (HeartbeatTimeout >= HeartbeatInterval)
            {
                errors.Add("HeartbeatTimeout must be shorter than HeartbeatInterval.");
            }
        }

        if (ReplayCapacity < 1)
        {
            errors.Add("ReplayCapacity must be at least 1.");
        }

        Settings?.Validate(errors, "Settings.");
    }

    internal WebSocketSessionOptions<TSend, TReceive> Clone()
    {
        var copy = (WebSocketSessionOptions<TSend, TReceive>)MemberwiseClone();
        copy.Settings = Settings?.Clone();
        return copy;
    }
}
