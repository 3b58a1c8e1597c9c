using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Sdk;

/// <summary>Turns an <see cref="ApiRequest"/> into an <see cref="HttpRequestMessage"/> for one attempt on one endpoint. Built once per client.</summary>
internal sealed class RequestFactory
{
    private const int MaxCachedUris = 256;
    private static readonly string[] RetryCounts = [.. Enumerable.Range(0, 16).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    private readonly ConcurrentDictionary<(int Endpoint, string Path), Uri> _uris = new();
    private readonly EndpointSet _endpoints;
    private readonly KeyValuePair<string, string>[] _defaultHeaders;
    private readonly HashSet<string> _defaultHeaderNames;
    private readonly Plugins.SecretRedactor _secrets;
    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;
    private readonly string? _acceptEncoding;
    private readonly string? _retryCountHeader;

    public RequestFactory(ClientOptions options, EndpointSet endpoints, Plugins.SecretRedactor secrets)
    {
        _endpoints = endpoints;
        _defaultHeaders = [.. options.DefaultHeaders];
        _defaultHeaderNames = new HashSet<string>(options.DefaultHeaders.Keys, StringComparer.OrdinalIgnoreCase);
        _secrets = secrets;
        _version = options.Connections.HttpVersion;
        _versionPolicy = options.Connections.VersionPolicy;
        _acceptEncoding = ResponseBody.AcceptEncoding(options.Connections.AutomaticDecompression);
        _retryCountHeader = options.Retry.RetryCountHeader;
        IdempotencyKeyHeader = options.Retry.IdempotencyKeyHeader;
    }

    public Uri BaseAddress => _endpoints.Primary.Address;

    public string IdempotencyKeyHeader { get; }

    /// <summary>
    /// The message for one attempt: <paramref name="attempt"/> is 0 for the first; <paramref name="extraHeader"/> (a resume's
    /// <c>Last-Event-ID</c>) is optional; <paramref name="pluginHeaders"/> are the plugins' fixed headers (a user agent), which
    /// the request's own headers and <see cref="ClientOptions.DefaultHeaders"/> override.
    /// </summary>
    public HttpRequestMessage Create(ApiRequest request, string accept, Endpoint endpoint, int attempt, string? idempotencyKey, KeyValuePair<string, string>? extraHeader, KeyValuePair<string, string>[] pluginHeaders)
    {
        var message = new HttpRequestMessage(request.Method, BuildUri(request, endpoint))
        {
            Version = _version,
            VersionPolicy = _versionPolicy,
        };

        if (!request.Body.IsEmpty || request.ContentType is not null)
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        IReadOnlyDictionary<string, string> own = request.Headers;
        System.Net.Http.Headers.HttpRequestHeaders headers = message.Headers;
        AddHeader(message, "Accept", accept, own);
        if (_acceptEncoding is not null)
        {
            AddHeader(message, "Accept-Encoding", _acceptEncoding, own);
        }

        foreach (KeyValuePair<string, string> header in _defaultHeaders)
        {
            AddHeader(message, header.Key, header.Value, own);
        }

        foreach (KeyValuePair<string, string> header in pluginHeaders)
        {
            if (_defaultHeaders.Length == 0 || !_defaultHeaderNames.Contains(header.Key))
            {
                AddHeader(message, header.Key, header.Value, own);
            }
        }

        if (idempotencyKey is not null)
        {
            AddHeader(message, IdempotencyKeyHeader, idempotencyKey, own);
        }

        if (attempt > 0 && _retryCountHeader is not null)
        {
            AddHeader(message, _retryCountHeader, attempt < RetryCounts.Length ? RetryCounts[attempt] : attempt.ToString(CultureInfo.InvariantCulture), own);
        }

        if (extraHeader is { } extra)
        {
            headers.Remove(extra.Key);
            headers.TryAddWithoutValidation(extra.Key, extra.Value);
        }

        if (own.Count > 0)
        {
            foreach (KeyValuePair<string, string> header in own)
            {
                if (headers.TryAddWithoutValidation(header.Key, header.Value))
                {
                    continue;
                }

                // A content header (Content-Type, Content-Language…): the request's own value replaces the body's default.
                if (message.Content is null)
                {
                    throw new InvalidOperationException($"{request}: the header '{header.Key}' needs a request body.");
                }

                message.Content.Headers.Remove(header.Key);
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    /// <summary>The absolute URI of a request on the primary endpoint.</summary>
    public Uri BuildUri(ApiRequest request) => BuildUri(request, _endpoints.Primary);

    /// <summary>
    /// The absolute URI of a request on <paramref name="endpoint"/>: its prefix + the path + the escaped query. An absolute
    /// path must belong to one of the client's endpoints; one under another endpoint's prefix is moved to this endpoint.
    /// </summary>
    public Uri BuildUri(ApiRequest request, Endpoint endpoint)
    {
        // A Uri is immutable: the URIs of query-less paths (the common case: chat/completions) are parsed once.
        if (request.Query.Count == 0 && _uris.TryGetValue((endpoint.Index, request.Path), out Uri? cached))
        {
            return cached;
        }

        string path = request.Path;
        string prefix;
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var absolute = new Uri(path, UriKind.Absolute);
            Endpoint owner = _endpoints.Owning(absolute) ?? throw new ArgumentException(
                $"{request.Method.Method} {absolute.GetLeftPart(UriPartial.Authority)}: an absolute request URI must have the origin of the base address or a fallback address, so credentials never leave them.",
                nameof(request));
            string text = absolute.AbsoluteUri;
            prefix = owner != endpoint && text.StartsWith(owner.Prefix, StringComparison.OrdinalIgnoreCase)
                ? string.Concat(endpoint.Prefix, text.AsSpan(owner.Prefix.Length))
                : path;
        }
        else
        {
            prefix = path.Length > 0 && path[0] == '/' ? string.Concat(endpoint.Prefix, path.AsSpan(1)) : string.Concat(endpoint.Prefix, path);
        }

        IReadOnlyList<KeyValuePair<string, string>> query = request.Query;
        if (query.Count == 0)
        {
            var uri = new Uri(prefix, UriKind.Absolute);
            if (_uris.Count < MaxCachedUris)
            {
                _uris.TryAdd((endpoint.Index, path), uri);
            }

            return uri;
        }

        var builder = new StringBuilder(prefix, prefix.Length + (query.Count * 16));
        char separator = prefix.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (KeyValuePair<string, string> parameter in query)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value));
            separator = '&';
        }

        return new Uri(builder.ToString(), UriKind.Absolute);
    }

    /// <summary>Whether <paramref name="uri"/> has the origin of one of the client's endpoints.</summary>
    public bool IsClientOrigin(Uri uri) => _endpoints.Owning(uri) is not null;

    /// <summary>Removes the client's secrets from text that may echo them (an error body).</summary>
    public string Redact(string text) => _secrets.IsEmpty ? text : _secrets.Redact(text);

    private static void AddHeader(HttpRequestMessage message, string name, string value, IReadOnlyDictionary<string, string> own)
    {
        if (own.Count == 0 || !own.ContainsKey(name))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
