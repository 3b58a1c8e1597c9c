using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>ApiResponse: status, headers and the request id read from ClientOptions.RequestIdHeaders.</summary>
public sealed class ApiResponseTests
{
    private static Task<TestServer> StartAsync() => TestServer.StartAsync(app => app.MapGet("/v1/items/1", (HttpContext context) =>
    {
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> pair in context.Request.Query)
        {
            context.Response.Headers[pair.Key] = pair.Value;
        }

        return Results.Json(new Item(1, "a"), TestJson.Default.Item, statusCode: 201);
    }));

    [Fact]
    public async Task SendAsync_Response_ExposesStatusHeadersAndContentType()
    {
        await using TestServer server = await StartAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1").WithQuery("x-ratelimit-remaining", "41"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.True(response.Headers.TryGetValue("X-RateLimit-Remaining", out string? remaining));
        Assert.Equal("41", remaining);
        Assert.Equal(["41"], response.Headers.GetValues("x-ratelimit-remaining"));
        Assert.True(response.Headers.Contains("Content-Type"));
        Assert.Equal("application/json", response.Headers.ContentType);
        Assert.Empty(response.Headers.GetValues("x-absent"));
        Assert.False(response.Headers.TryGetValue("x-absent", out string? absent));
        Assert.Null(absent);
        Assert.Contains(response.Headers, h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(response.Headers, h => h.Key.Equals("x-ratelimit-remaining", StringComparison.OrdinalIgnoreCase));
        Assert.Null(response.RequestId);
    }

    [Theory]
    [InlineData("x-request-id", "req_1", "req_1")]
    [InlineData("request-id", "req_2", "req_2")]
    [InlineData("x-amzn-requestid", "req_3", null)]
    public async Task SendAsync_DefaultRequestIdHeaders_ReadsXRequestIdThenRequestId(string header, string value, string? expected)
    {
        await using TestServer server = await StartAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1").WithQuery(header, value), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(expected, response.RequestId);
    }

    [Fact]
    public async Task SendAsync_BothDefaultRequestIdHeaders_PrefersXRequestId()
    {
        await using TestServer server = await StartAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client
            .SendAsync(ApiRequest.Get("items/1").WithQuery("request-id", "second").WithQuery("x-request-id", "first"), TestJson.Default.Item)
            .WaitAsync(CoreAsync.Bound);

        Assert.Equal("first", response.RequestId);
    }

    [Fact]
    public async Task SendAsync_CustomRequestIdHeaderOrder_FirstPresentConfiguredHeaderWins()
    {
        await using TestServer server = await StartAsync();
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") };
        options.RequestIdHeaders.Clear();
        options.RequestIdHeaders.Add("x-amzn-requestid");
        options.RequestIdHeaders.Add("request-id");
        options.RequestIdHeaders.Add("x-request-id");
        await using SdkClient client = SdkClient.Create(options);

        ApiResponse<Item> both = await client
            .SendAsync(ApiRequest.Get("items/1").WithQuery("x-request-id", "x").WithQuery("request-id", "plain"), TestJson.Default.Item)
            .WaitAsync(CoreAsync.Bound);
        ApiResponse<Item> amazon = await client
            .SendAsync(ApiRequest.Get("items/1").WithQuery("x-request-id", "x").WithQuery("x-amzn-requestid", "amzn"), TestJson.Default.Item)
            .WaitAsync(CoreAsync.Bound);

        Assert.Equal("plain", both.RequestId);
        Assert.Equal("amzn", amazon.RequestId);
    }
}
