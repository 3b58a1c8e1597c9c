namespace Sdk.Plugins;

/// <summary>What a <see cref="RequestHook"/> sees: the request and, for an attempt hook, the attempt's message and endpoint.</summary>
public readonly struct RequestContext
{
    private readonly CallAttempts _call;
    private readonly HttpRequestMessage? _message;

    internal RequestContext(CallAttempts call, HttpRequestMessage? message)
    {
        _call = call;
        _message = message;
    }

    /// <summary>Whether the hook runs once for the call or for this attempt.</summary>
    public HookScope Scope => _message is null ? HookScope.Call : HookScope.Attempt;

    /// <summary>The request as the caller built it. Treat it as read-only: change headers through <see cref="Headers"/>.</summary>
    public ApiRequest Request => _call.Request;

    /// <summary>The attempt's number (1 for the first), or 0 in a <see cref="HookScope.Call"/> hook.</summary>
    public int Attempt => _message is null ? 0 : _call.Attempts;

    /// <summary>The base address the attempt goes to, or <see langword="null"/> in a <see cref="HookScope.Call"/> hook.</summary>
    public Uri? Endpoint => _message is null ? null : _call.Endpoint?.Address;

    /// <summary>The attempt's message, about to be sent, or <see langword="null"/> in a <see cref="HookScope.Call"/> hook.</summary>
    public HttpRequestMessage? Message => _message;

    /// <summary>
    /// Whether the request goes to one of the client's origins (its base address or a fallback). It is
    /// <see langword="false"/> only for an attempt hook on a redirect hop to another origin: a hook that adds a secret must
    /// not add it then (the built-in authentication plugin removes its credential instead).
    /// </summary>
    public bool IsClientOrigin => _message is null || !_call.ForeignHop;

    /// <summary>How long the call has been running.</summary>
    public TimeSpan Elapsed => _call.Scope.Elapsed;

    /// <summary>Sets or removes headers: for every attempt (a call hook) or for this one (an attempt hook).</summary>
    public HookHeaders Headers => new(_call, _message);

    /// <summary>Values shared by the call's hooks.</summary>
    public HookProperties Properties => _call.Properties;

    /// <summary>
    /// Tells the retry policy that repeating this call is safe even if its method is not idempotent (POST, PATCH): the hook
    /// gave it something the server recognizes a repeat by, such as an idempotency key (the built-in idempotency plugin calls
    /// it). Without it, a POST that may have reached the server is not retried.
    /// </summary>
    public void MarkSafeToRepeat() => _call.MarkedSafe = true;

    /// <summary>
    /// Answers the request without sending it (a cache): the SDK handles <paramref name="response"/> as if the server sent
    /// it, and takes ownership of it. In a call hook, no attempt is made; in an attempt hook, this attempt is not sent.
    /// </summary>
    /// <param name="response">The response, with its content.</param>
    public void Respond(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _call.ShortCircuit?.Dispose();
        _call.ShortCircuit = response;
    }
}
