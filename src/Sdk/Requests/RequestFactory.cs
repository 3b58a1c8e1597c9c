using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Sdk;

/// <summary>Turns an <see cref="ApiRequest"/> into an <see cref="HttpRequestMessage"/> for one attempt. Built once per client.</summary>
internal sealed class RequestFactory
{
    private const int MaxCachedUris = 256;
    private static readonly string DefaultUserAgent = CreateDefaultUserAgent();
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private readonly string _base;
    private readonly KeyValuePair<string, string>[] _defaultHeaders;
    private readonly string _userAgent;
    private readonly ApiCredential? _credential;
    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;
    private readonly string? _acceptEncoding;

    public RequestFactory(ClientOptions options)
    {
        string baseText = options.BaseAddress!.AbsoluteUri;
        _base = baseText.EndsWith('/') ? baseText : baseText + "/";
        BaseAddress = new Uri(_base);
        _defaultHeaders = [.. options.DefaultHeaders];
        _userAgent = options.UserAgent ?? DefaultUserAgent;
        _credential = options.Credential;
        _version = options.Connections.HttpVersion;
        _versionPolicy = options.Connections.VersionPolicy;
        _acceptEncoding = ResponseBody.AcceptEncoding(options.Connections.AutomaticDecompression);
    }

    public Uri BaseAddress { get; }

    public ApiCredential? Credential => _credential;

    public HttpRequestMessage Create(ApiRequest request, string accept)
    {
        var message = new HttpRequestMessage(request.Method, BuildUri(request))
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
        AddHeader(message, "User-Agent", _userAgent, own);
        AddHeader(message, "Accept", accept, own);
        if (_acceptEncoding is not null)
        {
            AddHeader(message, "Accept-Encoding", _acceptEncoding, own);
        }

        foreach (KeyValuePair<string, string> header in _defaultHeaders)
        {
            AddHeader(message, header.Key, header.Value, own);
        }

        if (_credential is not null)
        {
            AddHeader(message, _credential.HeaderName, _credential.HeaderValue, own);
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

    /// <summary>The absolute URI of a request: base address + path + escaped query; an absolute path must be same-origin.</summary>
    public Uri BuildUri(ApiRequest request)
    {
        // A Uri is immutable: the URIs of query-less paths (the common case: chat/completions) are parsed once.
        if (request.Query.Count == 0 && _uris.TryGetValue(request.Path, out Uri? cached))
        {
            return cached;
        }

        string path = request.Path;
        string prefix;
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var absolute = new Uri(path, UriKind.Absolute);
            if (!IsSameOrigin(absolute))
            {
                throw new ArgumentException($"{request.Method.Method} {absolute.GetLeftPart(UriPartial.Authority)}: an absolute request URI must have the same origin as the base address, so credentials never leave it.", nameof(request));
            }

            prefix = path;
        }
        else
        {
            prefix = path.Length > 0 && path[0] == '/' ? string.Concat(_base, path.AsSpan(1)) : string.Concat(_base, path);
        }

        IReadOnlyList<KeyValuePair<string, string>> query = request.Query;
        if (query.Count == 0)
        {
            var uri = new Uri(prefix, UriKind.Absolute);
            if (_uris.Count < MaxCachedUris)
            {
                _uris.TryAdd(path, uri);
            }

            return uri;
        }

        var text = new StringBuilder(prefix, prefix.Length + (query.Count * 16));
        char separator = prefix.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (KeyValuePair<string, string> parameter in query)
        {
            text.Append(separator).Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value));
            separator = '&';
        }

        return new Uri(text.ToString(), UriKind.Absolute);
    }

    public bool IsSameOrigin(Uri uri) =>
        string.Equals(uri.Scheme, BaseAddress.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(uri.IdnHost, BaseAddress.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        uri.Port == BaseAddress.Port;

    /// <summary>Removes the credential from text that may echo it (an error body).</summary>
    public string Redact(string text) => _credential?.Redact(text) ?? text;

    private static void AddHeader(HttpRequestMessage message, string name, string value, IReadOnlyDictionary<string, string> own)
    {
        if (own.Count == 0 || !own.ContainsKey(name))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static string CreateDefaultUserAgent()
    {
        string version = typeof(RequestFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }

        return $"Sdk/{version} (.NET {Environment.Version})";
    }
}
