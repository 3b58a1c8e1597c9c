using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sdk.Tests.Infrastructure;

/// <summary>One request exactly as the Kestrel server received it.</summary>
/// <param name="Method">The request method.</param>
/// <param name="Target">The raw request-target of the request line (path and query, as escaped by the client).</param>
/// <param name="Path">The decoded path.</param>
/// <param name="Headers">Every header; repeated values are joined with <c>, </c>; names are case-insensitive.</param>
/// <param name="Body">The body as UTF-8 text.</param>
public sealed record CoreSeenRequest(string Method, string Target, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or <see langword="null"/> when the request did not carry it.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// A middleware for <see cref="TestServer"/> that records every request the server receives (before the endpoint runs),
/// so tests can assert the request line and headers as the server saw them.
/// </summary>
public sealed class CoreRequestLog
{
    private readonly ConcurrentQueue<CoreSeenRequest> _requests = new();

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<CoreSeenRequest> Requests => [.. _requests];

    /// <summary>The raw request-targets received so far, in arrival order.</summary>
    public IReadOnlyList<string> Targets => [.. _requests.Select(r => r.Target)];

    /// <summary>The only request received; fails when there was not exactly one.</summary>
    public CoreSeenRequest Single => Assert.Single(Requests);

    /// <summary>Adds the recording middleware; call it first inside <see cref="TestServer.StartAsync"/>'s map callback.</summary>
    public void Attach(WebApplication app) => app.Use(async (HttpContext context, RequestDelegate next) =>
    {
        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Request.Body.Position = 0;

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        _requests.Enqueue(new CoreSeenRequest(context.Request.Method, target, context.Request.Path.Value ?? "", headers, body));
        await next(context);
    });
}
