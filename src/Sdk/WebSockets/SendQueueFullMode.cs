namespace Sdk.WebSockets;

/// <summary>What <c>SendAsync</c> does when a session's send queue is full.</summary>
public enum SendQueueFullMode
{
    /// <summary>Wait until there is room (backpressure), or until the caller's token fires.</summary>
    Wait,

    /// <summary>Fail at once with <see cref="WebSocketSessionException"/> (<see cref="WebSocketFailureReason.SendQueueFull"/>).</summary>
    Fail,
}
