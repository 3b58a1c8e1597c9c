using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>The headers a request carries, as the Kestrel server sees them (RequestFactory).</summary>
public sealed class RequestHeadersTests
{
    private static async Task<CoreSeenRequest> SendAndCaptureAsync(Action<ClientOptions> configure, ApiRequest request)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") };
        configure(options);
        await using SdkClient client = SdkClient.Create(options);

        await client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        return log.Single;
    }

    [Fact]
    public async Task SendAsync_Defaults_SendsSdkUserAgentAndJsonAccept()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(_ => { }, ApiRequest.Get("items/1"));

        string? userAgent = seen.Header("User-Agent");
        Assert.NotNull(userAgent);
        Assert.StartsWith("Sdk/", userAgent, StringComparison.Ordinal);
        Assert.Contains($"(.NET {Environment.Version};", userAgent, StringComparison.Ordinal);
        Assert.DoesNotContain("+", userAgent, StringComparison.Ordinal);
        Assert.Equal("application/json", seen.Header("Accept"));
        Assert.Null(seen.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_CustomUserAgent_ReplacesDefault()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.UserAgent = "acme-cli/2.1", ApiRequest.Get("items/1"));

        Assert.Equal("acme-cli/2.1", seen.Header("User-Agent"));
    }

    [Fact]
    public async Task SendAsync_DefaultHeaders_SentOnEveryRequest()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o =>
            {
                o.DefaultHeaders["X-Tenant"] = "acme";
                o.DefaultHeaders["OpenAI-Beta"] = "assistants=v2";
            },
            ApiRequest.Get("items/1"));

        Assert.Equal("acme", seen.Header("X-Tenant"));
        Assert.Equal("assistants=v2", seen.Header("OpenAI-Beta"));
    }

    [Fact]
    public async Task SendAsync_BearerCredential_SendsAuthorizationHeader()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.Credential = ApiCredential.Bearer("sk-test-123"), ApiRequest.Get("items/1"));

        Assert.Equal("Bearer sk-test-123", seen.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_ApiKeyCredentialWithCustomHeader_SendsKeyInThatHeaderOnly()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.Credential = ApiCredential.ApiKey("key-abc", "X-Goog-Api-Key"), ApiRequest.Get("items/1"));

        Assert.Equal("key-abc", seen.Header("X-Goog-Api-Key"));
        Assert.Null(seen.Header("Authorization"));
        Assert.Null(seen.Header("x-api-key"));
    }

    [Fact]
    public async Task SendAsync_ApiKeyCredentialDefaultHeader_UsesXApiKey()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.Credential = ApiCredential.ApiKey("key-abc"), ApiRequest.Get("items/1"));

        Assert.Equal("key-abc", seen.Header("x-api-key"));
    }

    [Fact]
    public async Task SendAsync_RequestHeader_OverridesDefaultHeaderCaseInsensitively()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o => o.DefaultHeaders["X-Tenant"] = "default-tenant",
            ApiRequest.Get("items/1").WithHeader("x-tenant", "request-tenant"));

        Assert.Equal("request-tenant", seen.Header("X-Tenant"));
    }

    [Fact]
    public async Task SendAsync_RequestHeaders_OverrideUserAgentAcceptAndCredential()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o => o.Credential = ApiCredential.Bearer("client-token"),
            ApiRequest.Get("items/1")
                .WithHeader("User-Agent", "per-request/1")
                .WithHeader("Accept", "application/vnd.acme+json")
                .WithHeader("Authorization", "Bearer request-token"));

        Assert.Equal("per-request/1", seen.Header("User-Agent"));
        Assert.Equal("application/vnd.acme+json", seen.Header("Accept"));
        Assert.Equal("Bearer request-token", seen.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_WithHeaderTwice_LastValueWins()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(_ => { }, ApiRequest.Get("items/1").WithHeader("X-Trace", "first").WithHeader("x-trace", "second"));

        Assert.Equal("second", seen.Header("X-Trace"));
    }

    [Fact]
    public async Task SendAsync_ContentHeaderOnRequestWithoutBody_ThrowsInvalidOperationBeforeSending()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.SendAsync(ApiRequest.Get("items/1").WithHeader("Content-Language", "de"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Contains("Content-Language", error.Message, StringComparison.Ordinal);
        Assert.Empty(log.Requests);
    }

    [Fact]
    public async Task SendAsync_ContentTypeHeaderOnRequestWithBody_OverridesBodyContentType()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPatch("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(
            ApiRequest.Patch("items/1", new Item(1, "a"), TestJson.Default.Item).WithHeader("Content-Type", "application/merge-patch+json"),
            TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("application/merge-patch+json", log.Single.Header("Content-Type"));
    }
}
