using System.Collections;
using System.Net.Http.Headers;

namespace Sdk;

/// <summary>The headers of a response (response and content headers together), read without re-validation.</summary>
public sealed class ResponseHeaders : IEnumerable<KeyValuePair<string, IEnumerable<string>>>
{
    private readonly HttpResponseHeaders _headers;
    private readonly HttpContentHeaders? _contentHeaders;

    internal ResponseHeaders(HttpResponseHeaders headers, HttpContentHeaders? contentHeaders)
    {
        _headers = headers;
        _contentHeaders = contentHeaders;
    }

    /// <summary>The media type of the body (for example <c>text/event-stream</c>), or <see langword="null"/>.</summary>
    public string? ContentType => _contentHeaders?.ContentType?.MediaType;

    /// <summary>Gets the first value of a header.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <param name="value">The first value, or <see langword="null"/>.</param>
    /// <returns>Whether the header is present.</returns>
    public bool TryGetValue(string name, out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGetValues(name, out HeaderStringValues values))
        {
            foreach (string first in values)
            {
                value = first;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Gets every value of a header, or an empty sequence.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The values.</returns>
    public IEnumerable<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGetValues(name, out HeaderStringValues values) ? values : [];
    }

    /// <summary>Whether a header is present.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => TryGetValues(name, out _);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, IEnumerable<string>>> GetEnumerator()
    {
        foreach (KeyValuePair<string, IEnumerable<string>> header in _headers)
        {
            yield return header;
        }

        if (_contentHeaders is not null)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in _contentHeaders)
            {
                yield return header;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal string? FirstOf(IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (TryGetValue(names[i], out string? value) && !string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }

    private bool TryGetValues(string name, out HeaderStringValues values)
    {
        if (_headers.NonValidated.TryGetValues(name, out values))
        {
            return true;
        }

        if (_contentHeaders is not null && _contentHeaders.NonValidated.TryGetValues(name, out values))
        {
            return true;
        }

        values = default;
        return false;
    }
}
