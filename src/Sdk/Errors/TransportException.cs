namespace Sdk;

/// <summary>
/// The request did not get a response: DNS, connection refused, TLS, or a connection reset before the headers arrived.
/// The <see cref="Exception.InnerException"/> carries the transport's own exception.
/// </summary>
public sealed class TransportException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="innerException">The transport's exception.</param>
    public TransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
