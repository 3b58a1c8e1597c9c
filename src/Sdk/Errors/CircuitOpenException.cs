namespace Sdk;

/// <summary>
/// The call was not sent: the circuit of every endpoint that could serve it is open (or lets only its one probe through).
/// <see cref="RetryAfter"/> says when the first of them lets a call through again.
/// </summary>
public sealed class CircuitOpenException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The endpoint whose circuit is open (the base address when all are open).</param>
    /// <param name="retryAfter">When a call may be let through again, or <see langword="null"/> when unknown.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="innerException">The circuit breaker's own exception, if any.</param>
    public CircuitOpenException(Uri endpoint, TimeSpan? retryAfter, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
        RetryAfter = retryAfter;
    }

    /// <summary>The endpoint whose circuit is open.</summary>
    public Uri Endpoint { get; }

    /// <summary>How long until the circuit lets a probe through, or <see langword="null"/> when unknown.</summary>
    public TimeSpan? RetryAfter { get; }
}
