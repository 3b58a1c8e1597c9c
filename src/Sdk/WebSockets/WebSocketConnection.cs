using System.Net.WebSockets;
using Sdk.Plugins;

namespace Sdk.WebSockets;

/// <summary>
/// One socket of a session, from its handshake to its break: the socket, the handshake call (its request and hook
/// properties, which stream-event hooks see), the plugin snapshot it entered, and why a watchdog aborted it.
/// </summary>
internal sealed class WebSocketConnection
{
    private int _released;

    public WebSocketConnection(WebSocketConnected connected, CallAttempts call, PluginSnapshot plugins)
    {
        Socket = connected.Socket;
        Stream = connected.Stream;
        Headers = connected.Headers;
        RequestId = connected.RequestId;
        Call = call;
        Plugins = plugins;
        Endpoint = call.Endpoint;
    }

    public WebSocket Socket { get; }

    /// <summary>The connection under the socket: its dead-peer detection, and whether that aborted the socket.</summary>
    public WebSocketStream Stream { get; }

    public ResponseHeaders Headers { get; }

    public string? RequestId { get; }

    public CallAttempts Call { get; }

    public PluginSnapshot Plugins { get; }

    public Endpoint? Endpoint { get; }

    /// <summary>The reusable event the stream-event hooks see, created by the session on the first message when the snapshot has any.</summary>
    public StreamHookEvent? HookEvent { get; set; }

    /// <summary>Set by a watchdog (idle, heartbeat) just before it aborts the socket, so the failure is reported as what it was.</summary>
    public WebSocketFailureReason? AbortReason { get; private set; }

    public void Abort(WebSocketFailureReason reason)
    {
        AbortReason ??= reason;
        Socket.Abort();
    }

    /// <summary>Aborts and disposes the socket and leaves the plugin snapshot, once.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Socket.Abort();
            Socket.Dispose();
            Plugins.Exit();
        }
    }
}
