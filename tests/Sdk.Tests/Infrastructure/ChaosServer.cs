using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// The chaos test server: a real Kestrel server on 127.0.0.1 (a <see cref="TestServer"/>) whose endpoints each test scripts.
/// <see cref="Unary"/> adds an endpoint that answers request n with reply n of its script (statuses with <c>Retry-After</c>,
/// <c>retry-after-ms</c>, <c>x-should-retry</c>, resets and stalls before the headers, replies held back by a gate);
/// <see cref="Sse"/> adds an SSE endpoint with drops, stalls, garbage, <c>retry:</c> and resume by <c>Last-Event-ID</c>.
/// Every request is logged before it is answered (<see cref="ChaosEndpoint.Log"/>, <see cref="Log"/>), so a test can await
/// "request n arrived". Endpoints can be added while the server runs; an unknown path gets 404. Nothing is random.
/// </summary>
/// <example>
/// <code>
/// await using ChaosServer server = await ChaosServer.StartAsync();
/// ChaosScript flaky = server.Unary("flaky", ChaosReply.Status(503).WithRetryAfter(2), ChaosReply.Ok());
/// ... client.SendAsync(ApiRequest.Get("flaky"), ...) ...
/// ChaosRequest first = await flaky.Log.WaitForAsync(1);
/// </code>
/// </example>
public sealed class ChaosServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ChaosEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private TestServer? _server;

    private ChaosServer()
    {
    }

    /// <summary>The server's base address, ending with a slash (for example <c>http://127.0.0.1:41234/</c>).</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>The underlying server (TCP connection counts).</summary>
    public TestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Every request to any path, in arrival order (numbered per endpoint).</summary>
    public ChaosRequestLog Log { get; } = new();

    /// <summary>Starts a server with no endpoints yet.</summary>
    public static async Task<ChaosServer> StartAsync()
    {
        var chaos = new ChaosServer();
        chaos._server = await TestServer.StartAsync(app => app.Run(chaos.HandleAsync));
        return chaos;
    }

    /// <summary>Adds a unary endpoint at <paramref name="path"/> (relative, no leading slash) answering by <paramref name="replies"/>.</summary>
    public ChaosScript Unary(string path, params ChaosReply[] replies) => Add(path, new ChaosScript(replies));

    /// <summary>Adds the SSE endpoint <paramref name="sse"/> at <paramref name="path"/> (relative, no leading slash).</summary>
    public ChaosSse Sse(string path, ChaosSse sse) => Add(path, sse);

    /// <summary>Stops the server; stalled and gated requests end first.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private T Add<T>(string path, T endpoint)
        where T : ChaosEndpoint
    {
        if (!_endpoints.TryAdd(path.TrimStart('/'), endpoint))
        {
            throw new InvalidOperationException($"The path '{path}' already has an endpoint.");
        }

        return endpoint;
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, leaveOpen: true))
            {
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
            {
                headers[header.Key] = header.Value.ToString();
            }

            string path = (context.Request.Path.Value ?? "").TrimStart('/');
            string query = context.Request.QueryString.Value ?? "";
            if (!_endpoints.TryGetValue(path, out ChaosEndpoint? endpoint))
            {
                Log.Add(_ => new ChaosRequest(0, context.Request.Method, path, query, headers, body));
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            ChaosRequest request = endpoint.Log.Add(number => new ChaosRequest(number, context.Request.Method, path, query, headers, body));
            Log.Add(_ => request);
            await endpoint.HandleAsync(context, request, _stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (or the connection was aborted on purpose): nothing to answer.
        }
    }
}
