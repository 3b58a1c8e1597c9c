namespace Sdk.WebSockets;

/// <summary>
/// The client's WebSocket settings (<see cref="ClientOptions.WebSockets"/>): keep-alive, limits, the send queue and
/// reconnects. A session can override them with <see cref="WebSocketSessionOptions{TSend, TReceive}.Settings"/>.
/// </summary>
public sealed class WebSocketOptions
{
    /// <summary>
    /// How long a waiting read may go without receiving anything before a ping frame is sent, so proxies and load balancers
    /// keep the socket open and a dead peer is noticed (see <see cref="KeepAliveTimeout"/>). <see cref="TimeSpan.Zero"/>
    /// sends none.
    /// </summary>
    /// <value>30 seconds: below the 60-second idle limit common in proxies and cloud load balancers.</value>
    public TimeSpan KeepAliveInterval { get; set; } = ClientDefaults.WebSocketKeepAliveInterval;

    /// <summary>
    /// How long the peer may take to answer a keep-alive ping (with its pong or any other frame) before the socket is
    /// considered dead and aborted (then reconnected, see <see cref="Reconnect"/>; the failure reason is
    /// <see cref="WebSocketFailureReason.KeepAliveTimeout"/>). Counted only while a read waits, on
    /// <see cref="ClientOptions.TimeProvider"/>, checked every quarter of the shorter of this and <see cref="KeepAliveInterval"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> detects nothing: .NET then sends an unsolicited pong every interval instead.
    /// </summary>
    /// <value>20 seconds: a dead peer is found within 50 to 60 seconds of its last sign of life.</value>
    public TimeSpan KeepAliveTimeout { get; set; } = ClientDefaults.WebSocketKeepAliveTimeout;

    /// <summary>
    /// How long a connection may go without receiving any message before it is treated as stalled (reconnected, or the
    /// reader gets <see cref="WebSocketSessionException"/> with <see cref="WebSocketFailureReason.IdleTimeout"/>). Runs on
    /// <see cref="ClientOptions.TimeProvider"/>.
    /// </summary>
    /// <value><see cref="Timeout.InfiniteTimeSpan"/>: many feeds are quiet for long stretches; keep-alive finds dead peers.</value>
    public TimeSpan ReceiveIdleTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The largest message accepted, in bytes. A larger one closes the socket with status 1009 (message too big) and the
    /// reader gets <see cref="WebSocketSessionException"/> with <see cref="WebSocketFailureReason.MessageTooLarge"/>; no more
    /// than this is ever buffered.
    /// </summary>
    /// <value>4 MiB: room for realtime audio chunks and large JSON events, and a bound on what a bad peer costs.</value>
    public int MaxMessageBytes { get; set; } = ClientDefaults.WebSocketMaxMessageBytes;

    /// <summary>How many messages <c>SendAsync</c> may queue ahead of the socket.</summary>
    /// <value>256.</value>
    public int SendQueueCapacity { get; set; } = ClientDefaults.WebSocketSendQueueCapacity;

    /// <summary>What <c>SendAsync</c> does when the send queue is full.</summary>
    /// <value><see cref="SendQueueFullMode.Wait"/>: backpressure, the sender slows to the socket's pace.</value>
    public SendQueueFullMode SendQueueFullMode { get; set; } = SendQueueFullMode.Wait;

    /// <summary>How long a close handshake may take before the socket is aborted.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan CloseTimeout { get; set; } = ClientDefaults.WebSocketCloseTimeout;

    /// <summary>How a session reconnects after its socket broke.</summary>
    /// <value>See each property of <see cref="WebSocketReconnectOptions"/>.</value>
    public WebSocketReconnectOptions Reconnect { get; set; } = new();

    internal WebSocketOptions Clone()
    {
        var copy = (WebSocketOptions)MemberwiseClone();
        copy.Reconnect = Reconnect?.Clone()!;
        return copy;
    }

    internal void Validate(List<string> errors, string prefix)
    {
        if (KeepAliveInterval < TimeSpan.Zero && KeepAliveInterval != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{prefix}KeepAliveInterval must be zero (no pings), positive or Timeout.InfiniteTimeSpan.");
        }

        if (KeepAliveTimeout <= TimeSpan.Zero && KeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{prefix}KeepAliveTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (ReceiveIdleTimeout <= TimeSpan.Zero && ReceiveIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{prefix}ReceiveIdleTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (MaxMessageBytes < 1)
        {
            errors.Add($"{prefix}MaxMessageBytes must be at least 1.");
        }

        if (SendQueueCapacity < 1)
        {
            errors.Add($"{prefix}SendQueueCapacity must be at least 1.");
        }

        if (!Enum.IsDefined(SendQueueFullMode))
        {
            errors.Add($"{prefix}SendQueueFullMode has an unknown value {SendQueueFullMode}.");
        }

        if (CloseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}CloseTimeout must be positive.");
        }

        if (Reconnect is null)
        {
            errors.Add($"{prefix}Reconnect is required.");
        }
        else
        {
            Reconnect.Validate(errors, prefix + "Reconnect.");
        }
    }
}
