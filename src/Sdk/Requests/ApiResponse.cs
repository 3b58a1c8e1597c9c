using System.Net;

namespace Sdk;

/// <summary>The outcome of a unary call without a typed body: status, headers and request id.</summary>
public class ApiResponse
{
    private readonly HttpResponseMessage _message;
    private readonly IReadOnlyList<string> _requestIdHeaders;
    private ResponseHeaders? _headers;

    internal ApiResponse(HttpResponseMessage message, IReadOnlyList<string> requestIdHeaders)
    {
        _message = message;
        _requestIdHeaders = requestIdHeaders;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode => _message.StatusCode;

    /// <summary>The response headers.</summary>
    public ResponseHeaders Headers => _headers ??= new ResponseHeaders(_message.Headers, _message.Content?.Headers);

    /// <summary>The server's request id, read from <see cref="ClientOptions.RequestIdHeaders"/>; <see langword="null"/> when absent.</summary>
    public string? RequestId => Headers.FirstOf(_requestIdHeaders);

    /// <summary>The HTTP version the response came over.</summary>
    public Version Version => _message.Version;
}
