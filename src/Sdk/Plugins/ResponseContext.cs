namespace Sdk.Plugins;

/// <summary>What a <see cref="ResponseHook"/> sees: an attempt's response, once its headers arrived.</summary>
public readonly struct ResponseContext
{
    private readonly CallAttempts _call;

    internal ResponseContext(CallAttempts call) => _call = call;

    /// <summary>The request as the caller built it.</summary>
    public ApiRequest Request => _call.Request;

    /// <summary>The attempt's number (1 for the first).</summary>
    public int Attempt => _call.Attempts;

    /// <summary>The base address that answered.</summary>
    public Uri? Endpoint => _call.Endpoint?.Address;

    /// <summary>The response. Its body has not been read: a hook that reads it must replace the response with one that can be read again.</summary>
    public HttpResponseMessage Response => _call.CurrentResponse!;

    /// <summary>Whether the request that got this response went to one of the client's origins (<see langword="false"/> after a redirect to another origin).</summary>
    public bool IsClientOrigin => !_call.ForeignHop;

    /// <summary>How long the call has been running.</summary>
    public TimeSpan Elapsed => _call.Scope.Elapsed;

    /// <summary>Values shared by the call's hooks.</summary>
    public HookProperties Properties => _call.Properties;

    /// <summary>Replaces the response (the SDK disposes the one it replaces and takes ownership of the new one).</summary>
    /// <param name="response">The new response.</param>
    public void Replace(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!ReferenceEquals(response, _call.CurrentResponse))
        {
            _call.CurrentResponse?.Dispose();
            _call.CurrentResponse = response;
        }
    }

    /// <summary>
    /// Sends the request again at once, as a new attempt, once the response hooks are done; this response is disposed. For an
    /// answer a plugin has just fixed (a 401 after a token refresh): there is no back-off and it does not use the retry
    /// budget, and the attempt hooks run again on the new attempt. One attempt leads to at most 8 resends of either kind
    /// (redirects included); a later request is ignored and the response stands.
    /// </summary>
    public void RetryNow()
    {
        _call.PendingHop?.Dispose();
        _call.PendingHop = null;
        _call.RetryRequested = true;
    }

    /// <summary>
    /// Sends <paramref name="message"/> instead, once the response hooks are done (a redirect hop); this response is disposed
    /// and the SDK takes ownership of the message. It stays in the same attempt (same endpoint, same attempt number); attempt
    /// hooks run on it, with <see cref="RequestContext.IsClientOrigin"/> telling them whether it leaves the client's origins.
    /// Whatever headers the message carries are sent: a hook that builds a hop to another origin must leave credentials out
    /// (the built-in redirect plugin forwards only a list of harmless headers). At most 8 resends per attempt, as for
    /// <see cref="RetryNow"/>.
    /// </summary>
    /// <param name="message">The request to send: an absolute <c>http</c> or <c>https</c> URI.</param>
    /// <exception cref="ArgumentException">The message has no absolute http(s) URI.</exception>
    public void Redirect(HttpRequestMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.RequestUri is not { IsAbsoluteUri: true } uri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("A redirect needs an absolute http or https URI.", nameof(message));
        }

        if (!ReferenceEquals(_call.PendingHop, message))
        {
            _call.PendingHop?.Dispose();
        }

        _call.PendingHop = message;
        _call.RetryRequested = false;
    }
}
