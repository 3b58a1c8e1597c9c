namespace Sdk;

/// <summary>
/// How the client authenticates. The secret is sent on every attempt and never appears in a message,
/// <see cref="object.ToString"/>, exception or log line the SDK produces.
/// </summary>
public sealed class ApiCredential
{
    private readonly string[] _secretForms;

    private ApiCredential(string kind, string headerName, string headerValue, string secret)
    {
        Kind = kind;
        HeaderName = headerName;
        HeaderValue = headerValue;
        Secret = secret;

        // The secret as a server might echo it: raw, JSON-escaped, URL-encoded or base64 (longest first, so no form is half-replaced).
        _secretForms = new[]
        {
            secret,
            System.Text.Json.JsonEncodedText.Encode(secret).ToString(),
            Uri.EscapeDataString(secret),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)),
        }.Distinct(StringComparer.Ordinal).OrderByDescending(form => form.Length).ToArray();
    }

    /// <summary>The kind of credential (<c>Bearer</c> or <c>ApiKey</c>); never the secret.</summary>
    public string Kind { get; }

    internal string HeaderName { get; }

    internal string HeaderValue { get; }

    internal string Secret { get; }

    /// <summary>A bearer token sent as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty or contains a line break.</exception>
    public static ApiCredential Bearer(string token)
    {
        ValidateSecret(token, nameof(token));
        return new ApiCredential("Bearer", "Authorization", "Bearer " + token, token);
    }

    /// <summary>An API key sent in a request header.</summary>
    /// <param name="key">The API key.</param>
    /// <param name="headerName">The header that carries it.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="headerName"/> is invalid.</exception>
    public static ApiCredential ApiKey(string key, string headerName = "x-api-key")
    {
        ValidateSecret(key, nameof(key));
        if (!HeaderNames.IsValid(headerName))
        {
            throw new ArgumentException("The header name is not a valid HTTP token.", nameof(headerName));
        }

        return new ApiCredential("ApiKey", headerName, key, key);
    }

    /// <inheritdoc />
    public override string ToString() => $"ApiCredential({Kind}, {HeaderName}: ***)";

    /// <summary>Removes every occurrence of the secret (raw, JSON-escaped, URL-encoded or base64) from <paramref name="text"/>.</summary>
    internal string Redact(string text)
    {
        foreach (string form in _secretForms)
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static void ValidateSecret(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A credential must not contain a line break.", parameterName);
        }
    }
}
