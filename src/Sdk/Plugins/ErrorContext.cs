namespace Sdk.Plugins;

/// <summary>What an <see cref="ErrorHook"/> sees: the exception a call ends with.</summary>
public readonly struct ErrorContext
{
    private readonly CallAttempts _call;
    private readonly Exception _exception;

    internal ErrorContext(CallAttempts call, Exception exception)
    {
        _call = call;
        _exception = exception;
    }

    /// <summary>The exception the caller gets.</summary>
    public Exception Exception => _exception;

    /// <summary>The request as the caller built it.</summary>
    public ApiRequest Request => _call.Request;

    /// <summary>How many attempts were made.</summary>
    public int Attempts => _call.Attempts;

    /// <summary>How long the call ran.</summary>
    public TimeSpan Elapsed => _call.Scope.Elapsed;

    /// <summary>Values shared by the call's hooks.</summary>
    public HookProperties Properties => _call.Properties;
}
