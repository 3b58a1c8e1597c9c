namespace Sdk;

/// <summary>
/// The base type of every exception the SDK throws for a failed call. Catch it to handle any SDK failure;
/// catch a subclass (<see cref="ApiException"/>, <see cref="SdkTimeoutException"/>, <see cref="StreamInterruptedException"/>,
/// <see cref="InvalidResponseException"/>, <see cref="TransportException"/>) to handle one kind.
/// </summary>
/// <remarks>
/// Messages name the HTTP method and the request path, never the query string, a header value or a credential.
/// <see cref="OperationCanceledException"/> is thrown instead only when the caller's own token fired.
/// </remarks>
public class SdkException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SdkException()
        : base("The SDK call failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What failed; must not contain a credential.</param>
    public SdkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What failed; must not contain a credential.</param>
    /// <param name="innerException">The underlying cause.</param>
    public SdkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
