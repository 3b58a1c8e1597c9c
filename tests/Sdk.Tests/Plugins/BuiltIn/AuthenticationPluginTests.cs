using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in authentication plugin with a fixed credential (src/Sdk/Plugins/BuiltIn/AuthenticationPlugin.cs) against the
/// chaos server: an API key in a header or in the query, or a bearer token, on every attempt (retries and stream resumes
/// included); a request's own credential header wins; a 401 is the answer (nothing to refresh).
/// </summary>
public sealed class AuthenticationPluginTests
{
    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, ApiCredential credential) =>
        ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Credential = credential;
        });

    [Theory]
    [InlineData(null, "x-api-key")]
    [InlineData("Ocp-Apim-Subscription-Key", "Ocp-Apim-Subscription-Key")]
    public async Task ApiKeyInHeader_IsSentOnEveryAttempt(string? headerName, string expectedHeader)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(503), ChaosReply.Ok());
        ApiCredential credential = headerName is null ? ApiCredential.ApiKey("key-123") : ApiCredential.ApiKey("key-123", headerName);
        await using SdkClient client = Create(server, time, credential);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id); // the retried attempt answered
        Assert.Equal(["key-123", "key-123"], script.Log.Requests.Select(r => r.Header(expectedHeader)));
        Assert.All(script.Log.Requests, r => Assert.Null(r.Header("Authorization")));
        Assert.All(script.Log.Requests, r => Assert.DoesNotContain("key-123", r.Query, StringComparison.Ordinal));
        if (headerName is not null)
        {
            Assert.All(script.Log.Requests, r => Assert.Null(r.Header("x-api-key")));
        }
    }

    [Fact]
    public async Task Bearer_IsSentOnEveryAttempt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(503), ChaosReply.Reset(), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, ApiCredential.Bearer("tok-abc"));

        await client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["Bearer tok-abc", "Bearer tok-abc", "Bearer tok-abc"], script.Log.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task ApiKeyInQuery_Default_IsAppendedOnEveryAttemptAfterThePathsOwnQuery()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, ApiCredential.ApiKeyInQuery("key-123"));

        await client.SendAsync(ApiRequest.Get("items?x=1").WithQuery("page", "2"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        Assert.All(script.Log.Requests, r =>
        {
            // Once per attempt: a retry builds its URI afresh rather than appending to the previous attempt's.
            Assert.Equal("?x=1&page=2&api_key=key-123", r.Query);
            Assert.Null(r.Header("x-api-key"));
            Assert.Null(r.Header("Authorization"));
        });
    }

    [Fact]
    public async Task ApiKeyInQuery_CustomName_IsUrlEscaped()
    {
        const string Key = "k y&z=1/é+%#";
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, ApiCredential.ApiKeyInQuery(Key, "code"));

        await client.SendAsync(ApiRequest.Get("items").WithQuery("page", "2"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        Assert.All(script.Log.Requests, r =>
        {
            Assert.StartsWith("?page=2&code=", r.Query, StringComparison.Ordinal);
            Assert.DoesNotContain("api_key", r.Query, StringComparison.Ordinal);
            Dictionary<string, StringValues> query = QueryHelpers.ParseQuery(r.Query);
            Assert.Equal(["page", "code"], query.Keys); // the key's '&' and '=' did not split it
            Assert.Equal(Key, query["code"].ToString());
        });
    }

    [Theory]
    [InlineData("apikey", "X-API-KEY", "mine")]
    [InlineData("bearer", "authorization", "Bearer mine")]
    [InlineData("custom", "ocp-apim-subscription-key", "mine")]
    public async Task RequestWithItsOwnCredentialHeader_KeepsItsValueOnEveryAttempt(string kind, string header, string value)
    {
        ApiCredential credential = kind switch
        {
            "apikey" => ApiCredential.ApiKey("key-123"),
            "bearer" => ApiCredential.Bearer("tok-abc"),
            _ => ApiCredential.ApiKey("key-123", "Ocp-Apim-Subscription-Key"),
        };
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, credential);

        await client.SendAsync(ApiRequest.Get("items").WithHeader(header, value), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(3, script.Log.Count);
        Assert.Equal(value, script.Log[1].Header(header));
        Assert.Equal(value, script.Log[2].Header(header)); // the retry too
        Assert.NotEqual(value, script.Log[3].Header(header)); // a request without its own header gets the credential
        Assert.NotNull(script.Log[3].Header(header));
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("apikey")]
    [InlineData("query")]
    public async Task FixedCredential_Answered401_IsNotRetried(string kind)
    {
        ApiCredential credential = kind switch
        {
            "bearer" => ApiCredential.Bearer("tok-abc"),
            "apikey" => ApiCredential.ApiKey("key-123"),
            _ => ApiCredential.ApiKeyInQuery("key-123"),
        };
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Status(401), ChaosReply.Ok());
        await using SdkClient client = Create(server, time, credential);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(401, (int)error.StatusCode);
        Assert.Equal(1, script.Log.Count); // nothing to refresh: the 401 is the answer
    }

    [Fact]
    public async Task SseStream_EveryResumeCarriesTheApiKey()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 6, DropEvery = 2 });
        await using SdkClient client = Create(server, time, ApiCredential.ApiKey("key-123"));

        List<Item> items = await client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2, 3, 4, 5, 6], items.Select(i => i.Id));
        Assert.Equal(4, sse.Log.Count); // the first connection and three resumes (the last one ends at once)
        Assert.All(sse.Log.Requests, r => Assert.Equal("key-123", r.Header("x-api-key")));
    }
}
