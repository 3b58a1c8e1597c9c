namespace Sdk.Transport;

/// <summary>A request <see cref="InMemoryTransport"/> received, for assertions in tests.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(HttpMethod method, Uri uri, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Uri = uri;
        Headers = headers;
        Body = body;
    }

    /// <summary>The method.</summary>
    public HttpMethod Method { get; }

    /// <summary>The absolute URI, query included.</summary>
    public Uri Uri { get; }

    /// <summary>The request and content headers; repeated values are joined with <c>, </c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body bytes (empty when none).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body.Span);

    /// <inheritdoc />
    public override string ToString() => $"{Method.Method} {Uri.AbsolutePath}";
}
