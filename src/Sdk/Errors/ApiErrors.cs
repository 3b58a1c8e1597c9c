using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>Builds <see cref="ApiException"/>s and content-type errors from responses.</summary>
internal static class ApiErrors
{
    public static async ValueTask<ApiException> FromResponseAsync(SdkClient client, HttpResponseMessage response, ApiRequest request, CallScope scope)
    {
        byte[] bytes = [];
        bool truncated = false;
        try
        {
            (bytes, truncated) = await ResponseText.ReadPrefixAsync(response.Content, request, client.Options.MaxErrorBodyBytes, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadableBody(ex, scope))
        {
            // The status is what matters; a body that cannot be read (or that stalls past a timeout) is reported as absent.
        }

        var headers = new ResponseHeaders(response.Headers, response.Content.Headers);
        string? requestId = headers.FirstOf(client.RequestIdHeaders) is { } id ? client.Requests.Redact(id) : null;
        string? rawBody = bytes.Length == 0 ? null : client.Requests.Redact(Encoding.UTF8.GetString(bytes));

        // Parse the redacted text, so a server that echoes the credential cannot put it into the parsed error either.
        byte[] redacted = rawBody is null ? [] : Encoding.UTF8.GetBytes(rawBody);
        object? error = truncated ? null : TryParse(redacted, request.ErrorType ?? client.Options.ErrorType);

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{request} returned {(int)response.StatusCode} {Describe(response)}");
        if (requestId is not null)
        {
            message.Append(" (request id ").Append(requestId).Append(')');
        }

        if (ExtractMessage(redacted) is { } summary)
        {
            message.Append(": ").Append(summary);
        }
        else if (rawBody is not null)
        {
            message.Append(": ").Append(ResponseText.Snippet(Encoding.UTF8.GetBytes(rawBody)));
        }

        return new ApiException(response.StatusCode, client.Requests.Redact(message.ToString()), rawBody, headers, requestId, error)
        {
            RawBodyTruncated = truncated,
            RetryAfter = ServerDelay.Read(response, client.Time),
        };
    }

    public static async ValueTask<InvalidResponseException> UnexpectedContentTypeAsync(SdkClient client, HttpResponseMessage response, ApiRequest request, string expected, CallScope scope)
    {
        string? contentType = response.Content.Headers.ContentType?.ToString();
        string snippet = "";
        try
        {
            // Read more than is quoted, so a credential that straddles the cut is still found and removed.
            (byte[] bytes, _) = await ResponseText.ReadPrefixAsync(response.Content, request, 1024, scope.Token).ConfigureAwait(false);
            snippet = ResponseText.Snippet(Encoding.UTF8.GetBytes(client.Requests.Redact(Encoding.UTF8.GetString(bytes))));
        }
        catch (Exception ex) when (IsUnreadableBody(ex, scope))
        {
            // Diagnostics only.
        }

        string message = client.Requests.Redact($"{request} answered with content type '{contentType ?? "(none)"}' where {expected} was expected");
        return new InvalidResponseException(InvalidResponseReason.UnexpectedContentType, snippet.Length == 0 ? message + "." : $"{message}; the body starts with: {snippet}")
        {
            ContentType = contentType,
        };
    }

    /// <summary>
    /// A body read failure that only costs diagnostics (the body is then reported as absent): I/O, a corrupt or unknown
    /// encoding, a timeout. The caller's cancellation and the client's disposal still propagate.
    /// </summary>
    private static bool IsUnreadableBody(Exception exception, CallScope scope) =>
        exception is IOException or HttpRequestException or SocketException or InvalidDataException or InvalidResponseException { Reason: InvalidResponseReason.CorruptBody } ||
        (exception is OperationCanceledException && !scope.CallerCanceled && !scope.ClientDisposed);

    private static string Describe(HttpResponseMessage response) =>
        response.ReasonPhrase is { Length: > 0 } reason ? reason : ((HttpStatusCode)(int)response.StatusCode).ToString();

    private static object? TryParse(byte[] bytes, JsonTypeInfo? errorType)
    {
        if (errorType is null || bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, errorType);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Finds a human message in common error shapes: <c>{"error":{"message":…}}</c>, <c>{"error":"…"}</c>, <c>{"message":…}</c>, <c>{"detail":…}</c>, <c>{"title":…}</c>.</summary>
    internal static string? ExtractMessage(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? best = null;
            int bestRank = int.MaxValue;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int rank = reader.ValueTextEquals("error"u8) ? 0 : reader.ValueTextEquals("message"u8) ? 1 : reader.ValueTextEquals("detail"u8) ? 2 : reader.ValueTextEquals("title"u8) ? 3 : -1;
                reader.Read();
                if (rank >= 0 && rank < bestRank)
                {
                    string? found = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.StartObject when rank == 0 => FindString(ref reader, "message"u8),
                        _ => null,
                    };
                    if (found is { Length: > 0 })
                    {
                        best = found;
                        bestRank = rank;
                        continue;
                    }
                }

                reader.Skip();
            }

            return best is null ? null : ResponseText.Snippet(Encoding.UTF8.GetBytes(best), 300);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        string? found = null;
        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals(name))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    found = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return found;
    }
}
