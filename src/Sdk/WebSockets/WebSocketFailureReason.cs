namespace Sdk.WebSockets;

/// <summary>Why a WebSocket session failed (<see cref="WebSocketSessionException.Reason"/>).</summary>
public enum WebSocketFailureReason
{
    /// <summary>The connection broke (no close handshake) and could not be re-established, or reconnects are off.</summary>
    ConnectionLost,

    /// <summary>The peer closed the socket with a status that does not call for a reconnect (<see cref="WebSocketSessionException.CloseStatus"/>).</summary>
    ClosedByServer,

    /// <summary>The peer did not answer keep-alive pings within <see cref="WebSocketOptions.KeepAliveTimeout"/>.</summary>
    KeepAliveTimeout,

    /// <summary>The peer did not answer the application heartbeat within its timeout.</summary>
    HeartbeatTimeout,

    /// <summary>No message arrived within <see cref="WebSocketOptions.ReceiveIdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>A message was larger than <see cref="WebSocketOptions.MaxMessageBytes"/>; the socket was closed with 1009.</summary>
    MessageTooLarge,

    /// <summary>The peer broke the WebSocket protocol (reserved bits, a masked frame, invalid UTF-8 text, a bad control frame).</summary>
    ProtocolViolation,

    /// <summary>A message could not be decoded into the session's receive type.</summary>
    InvalidMessage,

    /// <summary>The send queue was full and <see cref="WebSocketOptions.SendQueueFullMode"/> is <see cref="SendQueueFullMode.Fail"/>.</summary>
    SendQueueFull,

    /// <summary>The session was closed (by the caller or after a failure) before the operation could complete.</summary>
    SessionClosed,
}
