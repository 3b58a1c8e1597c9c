namespace Sdk;

/// <summary>A call ran out of time. <see cref="Kind"/> says which timeout fired and <see cref="Timeout"/> its configured value.</summary>
public sealed class SdkTimeoutException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Which timeout fired.</param>
    /// <param name="timeout">The configured value of that timeout.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="innerException">The underlying cancellation, if any.</param>
    public SdkTimeoutException(TimeoutKind kind, TimeSpan timeout, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Timeout = timeout;
    }

    /// <summary>Which timeout fired.</summary>
    public TimeoutKind Kind { get; }

    /// <summary>The configured value of the timeout that fired.</summary>
    public TimeSpan Timeout { get; }
}
