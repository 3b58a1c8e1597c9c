using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sdk.Extensions.Logging;
using Sdk.Extensions.Tests.Infrastructure;

namespace Sdk.Extensions.Tests.Logging;

/// <summary>
/// Everything a call emits (exceptions and their <c>ToString()</c>, activity tags and events, metric tags, logs at every
/// level through the logging plugin) with an API key, a bearer token and refreshed provider tokens, against a server that
/// echoes the credential back in every way it can (error bodies, headers, event payloads): the secret appears nowhere, raw,
/// base64 or URL-encoded.
/// </summary>
[Collection(LoggingCollection.Name)]
public sealed class RedactionCaptureTests
{
    // Characters that change under URL encoding ('/', '+', '=') and JSON escaping ('"' is not allowed in a header; '+' is).
    private const string ApiKey = "sk-live/Key+9f8e7d6c5b4a=3210";
    private const string BearerToken = "bearer/TOKEN+a1b2c3d4e5f6==";
    private const string FirstToken = "tok-first/AAAA+1111-expiring";
    private const string SecondToken = "tok-second/BBBB+2222-refreshed";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Kinds => ["api-key-header", "api-key-query", "bearer", "token-provider"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EveryOutputOfACall_HoldsNoSecretInAnyForm(string kind)
    {
        await using TestServer server = await TestServer.StartAsync(MapEchoingApi);
        using var output = new CapturedOutput();
        int tokens = 0;
        (ApiCredential credential, string[] secrets) = kind switch
        {
            "api-key-header" => (ApiCredential.ApiKey(ApiKey), new[] { ApiKey }),
            "api-key-query" => (ApiCredential.ApiKeyInQuery(ApiKey, "key"), new[] { ApiKey }),
            "bearer" => (ApiCredential.Bearer(BearerToken), new[] { BearerToken }),
            _ => (ApiCredential.FromTokenProvider(_ => ValueTask.FromResult(new AccessToken(Interlocked.Increment(ref tokens) == 1 ? FirstToken : SecondToken, DateTimeOffset.UtcNow.AddHours(1)))), new[] { FirstToken, SecondToken }),
        };
        var options = new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Credential = credential,
            Retry = { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        };
        output.Add(options.ToString());
        output.Add(credential.ToString());
        await using (SdkClient client = SdkClient.CreateBuilder(options).AddLogging(output.LoggerFactory).Build())
        {
            // A success; with the token provider, the first token is refused with a 401 that echoes it, then refreshed.
            ApiResponse<Item> ok = await client.SendAsync(ApiRequest.Get("ok"), TestJson.Default.Item).WaitAsync(Bound);
            output.Add(ok.ToString());
            output.Add(ok.Value.ToString());

            output.Add(await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("echo"), TestJson.Default.Item).WaitAsync(Bound)));
            output.Add(await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Post("echo").WithBody("{}"u8.ToArray(), "application/json"), TestJson.Default.Item).WaitAsync(Bound)));
            output.Add(await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("flaky"), TestJson.Default.Item).WaitAsync(Bound)));
            output.Add(await Assert.ThrowsAsync<SdkTimeoutException>(() => client.SendAsync(ApiRequest.Get("stall").WithMaxRetries(0).WithAttemptTimeout(TimeSpan.FromMilliseconds(300)), TestJson.Default.Item).WaitAsync(Bound)));

            var delivered = new List<Item>();
            Exception streamError = await Assert.ThrowsAnyAsync<SdkException>(async () =>
            {
                await foreach (Item item in client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).WithCancellation(new CancellationTokenSource(Bound).Token))
                {
                    delivered.Add(item);
                }
            });
            output.Add(streamError);
            Assert.Equal(2, delivered.Count); // nothing delivered is lost before the malformed event
        }

        // The capture saw every level and the server's echoes (redacted), so the assertion below is not vacuous.
        Assert.Contains(LogLevel.Trace, output.Levels);
        Assert.Contains(LogLevel.Debug, output.Levels);
        Assert.Contains(LogLevel.Information, output.Levels);
        Assert.Contains(LogLevel.Warning, output.Levels);
        Assert.Contains(output.Texts, text => text.Contains("echo=" + SecretRedactorMask, StringComparison.Ordinal));
        Assert.Contains(output.Texts, text => text.Contains("GET flaky answered 503 (attempt 3)", StringComparison.Ordinal));
        Assert.Contains(output.Texts, text => text.Contains("Request header Authorization: ***", StringComparison.Ordinal) || text.Contains("Request header x-api-key: ***", StringComparison.Ordinal) || kind == "api-key-query");
        if (kind == "token-provider")
        {
            Assert.Equal(2, tokens);
            Assert.Contains(output.Texts, text => text.Contains("GET ok answered 401 (attempt 1)", StringComparison.Ordinal));
            Assert.Contains(output.Texts, text => text.Contains("GET ok answered 200 (attempt 2)", StringComparison.Ordinal));
        }

        foreach (string secret in secrets)
        {
            foreach ((string form, string name) in FormsOf(secret))
            {
                string? leak = output.Texts.FirstOrDefault(text => text.Contains(form, StringComparison.Ordinal));
                Assert.True(leak is null, $"The {name} form of a {kind} secret appeared in: {leak}");
            }
        }
    }

    private const string SecretRedactorMask = Sdk.Plugins.SecretRedactor.Mask;

    private static IEnumerable<(string Form, string Name)> FormsOf(string secret)
    {
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        yield return (secret, "raw");
        yield return (Uri.EscapeDataString(secret), "URL-encoded");
        yield return (base64, "base64");
        yield return (base64.TrimEnd('='), "unpadded base64");
    }

    /// <summary>Every credential the request carried: headers and the query string.</summary>
    private static string[] CredentialsOf(HttpRequest request)
    {
        var found = new List<string>();
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            found.Add(authorization["Bearer ".Length..]);
        }

        if (request.Headers.TryGetValue("x-api-key", out var key))
        {
            found.Add(key.ToString());
        }

        if (request.Query.TryGetValue("key", out var queryKey))
        {
            found.Add(queryKey.ToString());
        }

        return [.. found];
    }

    /// <summary>A message echoing each credential raw, URL-encoded and base64, with the full URL (its query included).</summary>
    private static string Echo(HttpRequest request)
    {
        var text = new StringBuilder("echo=");
        foreach (string secret in CredentialsOf(request))
        {
            text.Append(secret).Append(" url=").Append(Uri.EscapeDataString(secret))
                .Append(" b64=").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))).Append(' ');
        }

        return text.Append(" full=").Append(request.Path).Append(request.QueryString).ToString();
    }

    private static async Task WriteEchoAsync(HttpContext context, int status)
    {
        string echo = Echo(context.Request);
        context.Response.StatusCode = status;
        context.Response.Headers["x-echo"] = Uri.EscapeDataString(echo);
        context.Response.Headers["x-request-id"] = echo.Replace(' ', '_');
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["error"] = new Dictionary<string, string> { ["message"] = echo, ["type"] = "invalid_request" } }));
    }

    private static void MapEchoingApi(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // The provider's first token is refused, echoed in the 401.
            if (context.Request.Headers.Authorization.ToString() == "Bearer " + FirstToken)
            {
                await WriteEchoAsync(context, StatusCodes.Status401Unauthorized);
                return;
            }

            await next(context);
        });
        app.MapGet("/v1/ok", (HttpContext context) =>
        {
            context.Response.Headers["x-echo"] = Uri.EscapeDataString(Echo(context.Request));
            return Results.Json(new Item(1, "fine"), TestJson.Default.Item);
        });
        app.MapGet("/v1/echo", (HttpContext context) => WriteEchoAsync(context, StatusCodes.Status400BadRequest));
        app.MapPost("/v1/echo", (HttpContext context) => WriteEchoAsync(context, StatusCodes.Status422UnprocessableEntity));
        app.MapGet("/v1/flaky", (HttpContext context) => WriteEchoAsync(context, StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/v1/stall", async (HttpContext context) =>
        {
            context.Response.Headers["x-echo"] = Uri.EscapeDataString(Echo(context.Request));
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/v1/events", async (HttpContext context) =>
        {
            string echo = JsonEncodedText.Encode(Echo(context.Request)).ToString();
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"id: 1\ndata: {{\"id\":1,\"text\":\"{echo}\"}}\n\n");
            await context.Response.WriteAsync($"id: 2\ndata: {{\"id\":2,\"text\":\"two\"}}\n\n");
            await context.Response.WriteAsync($"id: 3\ndata: {{\"id\":3,\"text\":{echo}\n\n"); // malformed JSON echoing the secret
            await context.Response.Body.FlushAsync();
        });
    }
}
