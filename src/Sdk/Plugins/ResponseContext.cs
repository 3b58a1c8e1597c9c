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
}
