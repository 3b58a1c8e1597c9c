using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>
/// One call to make: a method, a path relative to <see cref="ClientOptions.BaseAddress"/>, a query, headers, an optional
/// JSON body and per-request overrides. Build one with <see cref="Get"/>, <see cref="Post{TBody}"/> and friends and refine it
/// with the <c>With…</c> methods, which return the same instance. The SDK never changes a request you pass it, so one
/// request can be sent many times.
/// </summary>
public sealed class ApiRequest
{
    private List<KeyValuePair<string, string>>? _query;
    private Dictionary<string, string>? _headers;

    private ApiRequest(HttpMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        if (path.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("The path must not contain a line break.", nameof(path));
        }

        Method = method;
        Path = path;
    }

    /// <summary>The HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>
    /// The path relative to <see cref="ClientOptions.BaseAddress"/> (a leading <c>/</c> is ignored). It is sent as given, so
    /// escape caller-supplied segments with <see cref="Uri.EscapeDataString(string)"/>. An absolute URI is accepted only when it has
    /// the same scheme, host and port as the base address, so the credential never goes to another origin.
    /// </summary>
    public string Path { get; }

    /// <summary>The query parameters, in order; names and values are escaped when the URI is built.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query => (IReadOnlyList<KeyValuePair<string, string>>?)_query ?? [];

    /// <summary>The request's own headers; they win over <see cref="ClientOptions.DefaultHeaders"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers => (IReadOnlyDictionary<string, string>?)_headers ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The serialized body, or empty when the request has none.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>The body's content type, or <see langword="null"/> when the request has no body.</summary>
    public string? ContentType { get; private set; }

    /// <summary>Overrides <see cref="TimeoutOptions.Total"/> (unary calls) or <see cref="TimeoutOptions.StreamTotal"/> (streams) for this request.</summary>
    public TimeSpan? Timeout { get; private set; }

    /// <summary>Overrides <see cref="TimeoutOptions.Attempt"/> for this request.</summary>
    public TimeSpan? AttemptTimeout { get; private set; }

    /// <summary>Overrides <see cref="ClientOptions.ErrorType"/> for this request.</summary>
    public JsonTypeInfo? ErrorType { get; private set; }

    /// <summary>Overrides <see cref="RetryOptions.MaxRetries"/> for this request.</summary>
    public int? MaxRetries { get; private set; }

    /// <summary>
    /// The idempotency key sent (in <see cref="RetryOptions.IdempotencyKeyHeader"/>) on every attempt of this request, which
    /// makes a POST or PATCH safe to retry. <see langword="null"/>: a POST gets a new key per call when
    /// <see cref="RetryOptions.AutomaticIdempotencyKeys"/> is on.
    /// </summary>
    public string? IdempotencyKey { get; private set; }

    /// <summary>A GET request.</summary>
    /// <param name="path">The path relative to the base address.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Get(string path) => new(HttpMethod.Get, path);

    /// <summary>A DELETE request.</summary>
    /// <param name="path">The path relative to the base address.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Delete(string path) => new(HttpMethod.Delete, path);

    /// <summary>A POST request without a body.</summary>
    /// <param name="path">The path relative to the base address.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Post(string path) => new(HttpMethod.Post, path);

    /// <summary>A POST request with a JSON body, serialized now with <paramref name="bodyType"/>.</summary>
    /// <typeparam name="TBody">The body type.</typeparam>
    /// <param name="path">The path relative to the base address.</param>
    /// <param name="body">The body.</param>
    /// <param name="bodyType">The source-generated metadata for <typeparamref name="TBody"/>.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Post<TBody>(string path, TBody body, JsonTypeInfo<TBody> bodyType) =>
        new ApiRequest(HttpMethod.Post, path).WithJsonBody(body, bodyType);

    /// <summary>A PUT request with a JSON body, serialized now with <paramref name="bodyType"/>.</summary>
    /// <typeparam name="TBody">The body type.</typeparam>
    /// <param name="path">The path relative to the base address.</param>
    /// <param name="body">The body.</param>
    /// <param name="bodyType">The source-generated metadata for <typeparamref name="TBody"/>.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Put<TBody>(string path, TBody body, JsonTypeInfo<TBody> bodyType) =>
        new ApiRequest(HttpMethod.Put, path).WithJsonBody(body, bodyType);

    /// <summary>A PATCH request with a JSON body, serialized now with <paramref name="bodyType"/>.</summary>
    /// <typeparam name="TBody">The body type.</typeparam>
    /// <param name="path">The path relative to the base address.</param>
    /// <param name="body">The body.</param>
    /// <param name="bodyType">The source-generated metadata for <typeparamref name="TBody"/>.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Patch<TBody>(string path, TBody body, JsonTypeInfo<TBody> bodyType) =>
        new ApiRequest(HttpMethod.Patch, path).WithJsonBody(body, bodyType);

    /// <summary>A request with any method.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path relative to the base address.</param>
    /// <returns>The request.</returns>
    public static ApiRequest Create(HttpMethod method, string path) => new(method, path);

    /// <summary>Sets the body to <paramref name="body"/> serialized as JSON now.</summary>
    /// <typeparam name="TBody">The body type.</typeparam>
    /// <param name="body">The body.</param>
    /// <param name="bodyType">The source-generated metadata for <typeparamref name="TBody"/>.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithJsonBody<TBody>(TBody body, JsonTypeInfo<TBody> bodyType)
    {
        ArgumentNullException.ThrowIfNull(bodyType);
        Body = JsonSerializer.SerializeToUtf8Bytes(body, bodyType);
        ContentType = "application/json";
        return this;
    }

    /// <summary>Sets the body to bytes already serialized.</summary>
    /// <param name="body">The body bytes; the request keeps a reference, so do not change them afterwards.</param>
    /// <param name="contentType">The content type, for example <c>application/json</c>.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithBody(ReadOnlyMemory<byte> body, string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (contentType.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("The content type must not contain a line break.", nameof(contentType));
        }

        Body = body;
        ContentType = contentType;
        return this;
    }

    /// <summary>Appends a query parameter (a name may repeat).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The parameter value.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithQuery(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        (_query ??= []).Add(new(name, value));
        return this;
    }

    /// <summary>Sets a query parameter, replacing every earlier value of the same name.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The parameter value.</param>
    /// <returns>This request.</returns>
    public ApiRequest SetQuery(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _query?.RemoveAll(p => string.Equals(p.Key, name, StringComparison.Ordinal));
        return WithQuery(name, value);
    }

    /// <summary>Sets a request header, replacing an earlier value of the same name.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithHeader(string name, string value)
    {
        HeaderNames.ThrowIfInvalidName(name, nameof(name));
        HeaderNames.ThrowIfInvalidValue(value, nameof(value));

        (_headers ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
        return this;
    }

    /// <summary>Overrides the total timeout for this request (see <see cref="Timeout"/>).</summary>
    /// <param name="timeout">A positive value, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithTimeout(TimeSpan timeout)
    {
        CheckTimeout(timeout);
        Timeout = timeout;
        return this;
    }

    /// <summary>Overrides the attempt timeout (to response headers) for this request.</summary>
    /// <param name="timeout">A positive value, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithAttemptTimeout(TimeSpan timeout)
    {
        CheckTimeout(timeout);
        AttemptTimeout = timeout;
        return this;
    }

    /// <summary>Overrides how many times a failed attempt of this request is retried (0: never).</summary>
    /// <param name="maxRetries">Zero or more.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithMaxRetries(int maxRetries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        MaxRetries = maxRetries;
        return this;
    }

    /// <summary>Sets the idempotency key sent on every attempt (see <see cref="IdempotencyKey"/>).</summary>
    /// <param name="key">The key, unique per logical operation.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithIdempotencyKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("An idempotency key must not contain a line break.", nameof(key));
        }

        IdempotencyKey = key;
        return this;
    }

    /// <summary>Parses this request's error bodies into <paramref name="errorType"/> for <see cref="ApiException.Error"/>.</summary>
    /// <param name="errorType">The error body type.</param>
    /// <returns>This request.</returns>
    public ApiRequest WithErrorType(JsonTypeInfo errorType)
    {
        ArgumentNullException.ThrowIfNull(errorType);
        ErrorType = errorType;
        return this;
    }

    /// <summary>Returns the method and path, never the query, headers or body.</summary>
    /// <returns>For example <c>POST chat/completions</c>.</returns>
    public override string ToString() => $"{Method.Method} {DisplayPath}";

    /// <summary>The path without any query, for messages.</summary>
    internal string DisplayPath
    {
        get
        {
            int q = Path.IndexOfAny(['?', '#']);
            return q < 0 ? Path : Path[..q];
        }
    }

    /// <summary>A copy for derived requests (the next page); body bytes are shared, collections are copied.</summary>
    internal ApiRequest Clone(string? path = null)
    {
        var copy = new ApiRequest(Method, path ?? Path)
        {
            Body = Body,
            ContentType = ContentType,
            Timeout = Timeout,
            AttemptTimeout = AttemptTimeout,
            ErrorType = ErrorType,
            MaxRetries = MaxRetries,
            IdempotencyKey = IdempotencyKey,
        };
        if (_query is not null && path is null)
        {
            copy._query = [.. _query];
        }

        if (_headers is not null)
        {
            copy._headers = new(_headers, StringComparer.OrdinalIgnoreCase);
        }

        return copy;
    }

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "A timeout must be positive or Timeout.InfiniteTimeSpan.");
        }
    }
}
