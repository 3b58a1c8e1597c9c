using System.Net.WebSockets;
using Sdk.WebSockets;

namespace Sdk;

/// <summary>
/// A WebSocket session failed after its handshake: the connection was lost and could not be re-established, the peer
/// closed it, a keep-alive, heartbeat or idle limit passed, a message was too large or invalid, or the send queue was full.
/// Every message the reader received before it was delivered (<see cref="MessagesDelivered"/>). A refused handshake is an
/// <see cref="ApiException"/> (status, headers), as for any call.
/// </summary>
public sealed class WebSocketSessionException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the session failed.</param>
    /// <param name="message">A description naming the request path; must not contain a credential.</param>
    /// <param name="closeStatus">The close status the peer sent, if it sent one.</param>
    /// <param name="closeDescription">The close reason the peer sent, if any.</param>
    /// <param name="messagesDelivered">How many messages the session's readers received.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public WebSocketSessionException(
        WebSocketFailureReason reason,
        string message,
        WebSocketCloseStatus? closeStatus = null,
        string? closeDescription = null,
        long messagesDelivered = 0,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        CloseStatus = closeStatus;
        CloseDescription = closeDescription;
        MessagesDelivered = messagesDelivered;
    }

    /// <summary>Why the session failed.</summary>
    public WebSocketFailureReason Reason { get; }

    /// <summary>The close status the peer sent (for example 1008 policy violation), or <see langword="null"/>.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>The close reason the peer sent, or <see langword="null"/>.</summary>
    public string? CloseDescription { get; }

    /// <summary>How many messages the session's readers had received when it failed.</summary>
    public long MessagesDelivered { get; }
}
