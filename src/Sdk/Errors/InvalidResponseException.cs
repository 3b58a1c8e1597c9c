namespace Sdk;

/// <summary>
/// The server answered, but not with something the call can use: malformed JSON, a wrong content type, an oversized
/// line or event, an empty body. Items delivered before the bad one are not affected.
/// </summary>
public sealed class InvalidResponseException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What was wrong.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public InvalidResponseException(InvalidResponseReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>What was wrong with the response.</summary>
    public InvalidResponseReason Reason { get; }

    /// <summary>The response's content type, when known.</summary>
    public string? ContentType { get; init; }

    /// <summary>For a stream, the zero-based index of the event or element at fault; otherwise <see langword="null"/>.</summary>
    public long? EventIndex { get; init; }
}
