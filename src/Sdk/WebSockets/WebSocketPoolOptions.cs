namespace Sdk.WebSockets;

/// <summary>
/// How a <see cref="WebSocketPool{TSend, TReceive}"/> multiplexes logical subscriptions over a few sockets: the routing key
/// read from each message, the subscribe and unsubscribe messages, and the pool's limits.
/// </summary>
/// <typeparam name="TSend">The type sent.</typeparam>
/// <typeparam name="TReceive">The type received.</typeparam>
public sealed class WebSocketPoolOptions<TSend, TReceive>
{
    /// <summary>Reads the subscription key from a received message; <see langword="null"/> for a message that belongs to no subscription (it goes to <see cref="OnUnrouted"/>).</summary>
    /// <value>Required.</value>
    public Func<TReceive, string?>? RouteKey { get; set; }

    /// <summary>
    /// The message that starts a subscription on its socket: <c>(key, lastSequence)</c>, where <c>lastSequence</c> is the
    /// last sequence number the subscription delivered (after a reconnect; <see langword="null"/> the first time), so the
    /// server can continue from it.
    /// </summary>
    /// <value><see langword="null"/>: nothing is sent (the server routes by connection, or the key is in every message you send).</value>
    public Func<string, long?, TSend>? Subscribe { get; set; }

    /// <summary>The message that ends a subscription; <see langword="null"/> sends nothing.</summary>
    /// <value><see langword="null"/>.</value>
    public Func<string, TSend>? Unsubscribe { get; set; }

    /// <summary>Reads a message's sequence number within its subscription; a subscription drops a number not greater than the last it delivered (no duplicates after a reconnect).</summary>
    /// <value><see langword="null"/>: no de-duplication.</value>
    public Func<TReceive, long?>? SequenceOf { get; set; }

    /// <summary>Gets messages whose key matches no subscription (acknowledgements, errors, messages for a subscription that just ended).</summary>
    /// <value><see langword="null"/>: they are dropped.</value>
    public Action<TReceive>? OnUnrouted { get; set; }

    /// <summary>The most sockets the pool opens to its endpoint.</summary>
    /// <value>4.</value>
    public int MaxSockets { get; set; } = ClientDefaults.WebSocketMaxSocketsPerEndpoint;

    /// <summary>
    /// How many subscriptions share a socket before the pool opens another (up to <see cref="MaxSockets"/>). Once every
    /// socket is open and this full, new subscriptions go to the least loaded socket.
    /// </summary>
    /// <value>100.</value>
    public int MaxSubscriptionsPerSocket { get; set; } = ClientDefaults.WebSocketMaxSubscriptionsPerSocket;

    /// <summary>How long a socket stays open after its last subscription ended (a new subscription reuses it).</summary>
    /// <value>30 seconds.</value>
    public TimeSpan IdleCloseDelay { get; set; } = ClientDefaults.WebSocketIdleCloseDelay;

    /// <summary>
    /// How many messages a subscription buffers for its reader. When one is full, its socket's reading waits for that reader
    /// (the socket's other subscriptions wait too): memory stays bounded, and TCP slows the server down.
    /// </summary>
    /// <value>1024.</value>
    public int SubscriptionBufferCapacity { get; set; } = ClientDefaults.WebSocketSubscriptionBuffer;

    /// <summary>
    /// The sockets' session settings (heartbeat, keep-alive, reconnects). Its <see cref="WebSocketSessionOptions{TSend, TReceive}.OnConnected"/>
    /// runs before the pool re-subscribes; its sequence numbers and replay are not used (see <see cref="SequenceOf"/>).
    /// </summary>
    /// <value><see langword="null"/>: the defaults.</value>
    public WebSocketSessionOptions<TSend, TReceive>? Session { get; set; }

    internal void Validate(List<string> errors)
    {
        if (RouteKey is null)
        {
            errors.Add("RouteKey is required.");
        }

        if (MaxSockets < 1)
        {
            errors.Add("MaxSockets must be at least 1.");
        }

        if (MaxSubscriptionsPerSocket < 1)
        {
            errors.Add("MaxSubscriptionsPerSocket must be at least 1.");
        }

        if (IdleCloseDelay < TimeSpan.Zero)
        {
            errors.Add("IdleCloseDelay must not be negative.");
        }

        if (SubscriptionBufferCapacity < 1)
        {
            errors.Add("SubscriptionBufferCapacity must be at least 1.");
        }

        Session?.Validate(errors);
    }

    internal WebSocketPoolOptions<TSend, TReceive> Clone()
    {
        var copy = (WebSocketPoolOptions<TSend, TReceive>)MemberwiseClone();
        copy.Session = Session?.Clone();
        return copy;
    }
}
