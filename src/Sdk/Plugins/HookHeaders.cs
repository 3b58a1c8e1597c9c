namespace Sdk.Plugins;

/// <summary>
/// Sets or removes request headers from a request hook. In a <see cref="HookScope.Call"/> hook the change applies to every
/// attempt of the call; in a <see cref="HookScope.Attempt"/> hook, to the attempt's message.
/// </summary>
public readonly struct HookHeaders
{
    private readonly CallAttempts _call;
    private readonly HttpRequestMessage? _message;

    internal HookHeaders(CallAttempts call, HttpRequestMessage? message)
    {
        _call = call;
        _message = message;
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>, replacing any value the request had.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_message is not null)
        {
            HookHeaderList.Apply(_message, name, value);
        }
        else
        {
            _call.CallHeaders.Add(name, value);
        }
    }

    /// <summary>Removes <paramref name="name"/> from the request.</summary>
    /// <param name="name">The header name.</param>
    public void Remove(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_message is not null)
        {
            HookHeaderList.Apply(_message, name, null);
        }
        else
        {
            _call.CallHeaders.Add(name, null);
        }
    }
}
