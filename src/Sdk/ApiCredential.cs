using Sdk.Plugins.BuiltIn;

namespace Sdk;

/// <summary>
/// How the client authenticates: an API key in a header or in the query, a bearer token, or a token provider whose tokens
/// are cached and refreshed. The authentication plugin (<see cref="AuthenticationPlugin"/>) puts it on every attempt that
/// goes to one of the client's origins and nowhere else; the secret never appears in a message,
/// <see cref="object.ToString"/>, exception or log line the SDK produces.
/// </summary>
public sealed class ApiCredential
{
    private ApiCredential(string kind, string? headerName, string? headerPrefix, string? queryParameter, string? secret, Func<CancellationToken, ValueTask<AccessToken>>? provider, TimeSpan refreshAhead)
    {
        Kind = kind;
        HeaderName = headerName;
        HeaderPrefix = headerPrefix;
        QueryParameter = queryParameter;
        Secret = secret;
        Provider = provider;
        RefreshAhead = refreshAhead;
        HeaderValue = secret is null ? null : headerPrefix + secret;
    }

    /// <summary>The kind of credential (<c>Bearer</c>, <c>ApiKey</c>, <c>ApiKeyQuery</c> or <c>TokenProvider</c>); never the secret.</summary>
    public string Kind { get; }

    /// <summary>How long before a provider's token expires it is refreshed (in the background while it is still valid).</summary>
    public TimeSpan RefreshAhead { get; }

    /// <summary>The header that carries the secret, or <see langword="null"/> for a query parameter.</summary>
    internal string? HeaderName { get; }

    /// <summary>What precedes the secret in the header (<c>"Bearer "</c>).</summary>
    internal string? HeaderPrefix { get; }

    /// <summary>The full header value of a fixed secret.</summary>
    internal string? HeaderValue { get; }

    /// <summary>The query parameter that carries the secret, or <see langword="null"/> for a header.</summary>
    internal string? QueryParameter { get; }

    /// <summary>A fixed secret, or <see langword="null"/> for a token provider.</summary>
    internal string? Secret { get; }

    internal Func<CancellationToken, ValueTask<AccessToken>>? Provider { get; }

    /// <summary>A bearer token sent as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty or contains a line break.</exception>
    public static ApiCredential Bearer(string token)
    {
        ValidateSecret(token, nameof(token));
        return new ApiCredential("Bearer", "Authorization", "Bearer ", null, token, null, TimeSpan.Zero);
    }

    /// <summary>An API key sent in a request header.</summary>
    /// <param name="key">The API key.</param>
    /// <param name="headerName">The header that carries it.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="headerName"/> is invalid.</exception>
    public static ApiCredential ApiKey(string key, string headerName = "x-api-key")
    {
        ValidateSecret(key, nameof(key));
        HeaderNames.ThrowIfInvalidName(headerName, nameof(headerName));

        return new ApiCredential("ApiKey", headerName, null, null, key, null, TimeSpan.Zero);
    }

    /// <summary>
    /// An API key sent as a query parameter (for APIs that take nothing else). Prefer a header where the API allows it: a
    /// URL is more often written down (proxies, server logs) than a header. The SDK never writes the URL of an attempt in
    /// its own messages.
    /// </summary>
    /// <param name="key">The API key.</param>
    /// <param name="parameterName">The query parameter that carries it.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> or <paramref name="parameterName"/> is empty or has a line break.</exception>
    public static ApiCredential ApiKeyInQuery(string key, string parameterName = "api_key")
    {
        ValidateSecret(key, nameof(key));
        ValidateSecret(parameterName, nameof(parameterName));
        return new ApiCredential("ApiKeyQuery", null, null, parameterName, key, null, TimeSpan.Zero);
    }

    /// <summary>
    /// Bearer tokens from <paramref name="provider"/> (an OAuth client, a managed identity): the token is cached until
    /// <paramref name="refreshAhead"/> before it expires, then refreshed in the background while it is still sent; an expired
    /// token is refreshed before the attempt. Concurrent calls share one refresh. When the server answers 401, the token is
    /// refreshed and the attempt sent again, once.
    /// </summary>
    /// <param name="provider">Returns a new token; called with a token that is cancelled when the client is disposed.</param>
    /// <param name="refreshAhead">How long before expiry to refresh (at most half a token's lifetime is used). Default: 5 minutes.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshAhead"/> is negative.</exception>
    public static ApiCredential FromTokenProvider(Func<CancellationToken, ValueTask<AccessToken>> provider, TimeSpan? refreshAhead = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        TimeSpan ahead = refreshAhead ?? ClientDefaults.TokenRefreshAhead;
        ArgumentOutOfRangeException.ThrowIfLessThan(ahead, TimeSpan.Zero, nameof(refreshAhead));
        return new ApiCredential("TokenProvider", "Authorization", "Bearer ", null, null, provider, ahead);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        "ApiKeyQuery" => $"ApiCredential({Kind}, ?{QueryParameter}=***)",
        "TokenProvider" => $"ApiCredential({Kind}, {HeaderName}: Bearer ***)",
        _ => $"ApiCredential({Kind}, {HeaderName}: ***)",
    };

    internal static void ValidateSecret(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (HeaderNames.HasLineBreak(value))
        {
            throw new ArgumentException("A credential must not contain a line break.", parameterName);
        }
    }
}
