using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>
/// The server answered with a status outside 2xx. Carries the status, the request id, the headers, the error body
/// (raw, bounded by <see cref="ClientOptions.MaxErrorBodyBytes"/>) and, when an error type was configured, the parsed error.
/// </summary>
public sealed class ApiException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    /// <param name="rawBody">The error body as text (bounded), or <see langword="null"/>.</param>
    /// <param name="headers">The response headers, or <see langword="null"/>.</param>
    /// <param name="requestId">The server's request id, or <see langword="null"/>.</param>
    /// <param name="error">The parsed error body, or <see langword="null"/>.</param>
    public ApiException(HttpStatusCode statusCode, string message, string? rawBody = null, ResponseHeaders? headers = null, string? requestId = null, object? error = null)
        : base(message)
    {
        StatusCode = statusCode;
        RawBody = rawBody;
        Headers = headers;
        RequestId = requestId;
        Error = error;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error body as UTF-8 text, at most <see cref="ClientOptions.MaxErrorBodyBytes"/> bytes of it, with the credential removed.</summary>
    public string? RawBody { get; }

    /// <summary>
    /// How long the server asked the client to wait (<c>Retry-After</c> in seconds or as an HTTP date, or <c>retry-after-ms</c>),
    /// or <see langword="null"/>. Set when retrying stopped because that wait was longer than the retry policy allows.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether <see cref="RawBody"/> was cut at the limit.</summary>
    public bool RawBodyTruncated { get; init; }

    /// <summary>The response headers.</summary>
    public ResponseHeaders? Headers { get; }

    /// <summary>The server's request id, to quote when asking the API's support.</summary>
    public string? RequestId { get; }

    /// <summary>The error body parsed into the configured <see cref="ClientOptions.ErrorType"/> (or the request's own), or <see langword="null"/>.</summary>
    public object? Error { get; }

    /// <summary>Parses <see cref="RawBody"/> into <typeparamref name="TError"/>.</summary>
    /// <typeparam name="TError">The error body type.</typeparam>
    /// <param name="errorType">The source-generated metadata for <typeparamref name="TError"/>.</param>
    /// <param name="error">The parsed error, or the default when the body is absent or does not parse.</param>
    /// <returns>Whether the body parsed.</returns>
    public bool TryGetError<TError>(JsonTypeInfo<TError> errorType, [NotNullWhen(true)] out TError? error)
    {
        ArgumentNullException.ThrowIfNull(errorType);
        if (Error is TError typed)
        {
            error = typed;
            return true;
        }

        error = default;
        if (string.IsNullOrEmpty(RawBody) || RawBodyTruncated)
        {
            return false;
        }

        try
        {
            error = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(RawBody), errorType);
            return error is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
