using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>How a request's path and query become the request line the server sees (RequestFactory.BuildUri).</summary>
public sealed class RequestUriTests
{
    private static Task<TestServer> StartCatchAllAsync(CoreRequestLog log) => TestServer.StartAsync(app =>
    {
        log.Attach(app);
        app.Map("/{**rest}", (HttpContext context) =>
        {
            var query = string.Join("|", context.Request.Query.SelectMany(p => p.Value.Select(v => $"{p.Key}={v}")));
            return Results.Json(new Item(0, query), TestJson.Default.Item);
        });
    });

    [Fact]
    public async Task SendAsync_QueryValuesWithReservedAndUnicodeCharacters_AreEscapedAndDecodeBack()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(
            ApiRequest.Get("search")
                .WithQuery("q", "a b&c=d")
                .WithQuery("name", "Zoë 東京")
                .WithQuery("plus", "1+1")
                .WithQuery("k y", "#frag/?"),
            TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/search?q=a%20b%26c%3Dd&name=Zo%C3%AB%20%E6%9D%B1%E4%BA%AC&plus=1%2B1&k%20y=%23frag%2F%3F", log.Single.Target);
        Assert.Equal("q=a b&c=d|name=Zoë 東京|plus=1+1|k y=#frag/?", response.Value.Text);
    }

    [Fact]
    public async Task SendAsync_RepeatedQueryName_SendsEveryValueInOrder()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(ApiRequest.Get("items").WithQuery("tag", "a").WithQuery("limit", "5").WithQuery("tag", "b"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/items?tag=a&limit=5&tag=b", log.Single.Target);
    }

    [Fact]
    public async Task SendAsync_SetQuery_ReplacesEveryEarlierValueOfThatName()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiRequest request = ApiRequest.Get("items").WithQuery("limit", "5").WithQuery("tag", "a").WithQuery("limit", "6").SetQuery("limit", "10");
        await client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/items?tag=a&limit=10", log.Single.Target);
    }

    [Fact]
    public async Task SendAsync_EmptyQueryValue_SendsNameWithEquals()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(ApiRequest.Get("items").WithQuery("cursor", ""), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/items?cursor=", log.Single.Target);
    }

    [Fact]
    public async Task SendAsync_PathAlreadyHasQuery_AppendsParametersWithAmpersand()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(ApiRequest.Get("items?expand=owner").WithQuery("limit", "2"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/items?expand=owner&limit=2", log.Single.Target);
    }

    [Theory]
    [InlineData("v1", "items/1")]
    [InlineData("v1", "/items/1")]
    [InlineData("v1/", "items/1")]
    [InlineData("v1/", "/items/1")]
    public async Task SendAsync_BaseAddressWithPath_KeepsBasePathForRelativeAndSlashPaths(string basePath, string path)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, basePath) });

        await client.SendAsync(ApiRequest.Get(path), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v1/items/1", log.Single.Target);
        Assert.Equal(new Uri(server.BaseAddress, "v1/"), client.BaseAddress);
    }

    [Fact]
    public async Task SendAsync_BaseAddressWithoutPath_JoinsAtRoot()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress.GetLeftPart(UriPartial.Authority)) });

        await client.SendAsync(ApiRequest.Get("/items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/items/1", log.Single.Target);
    }

    [Fact]
    public async Task SendAsync_SchemeRelativePath_StaysOnBaseOrigin()
    {
        var log = new CoreRequestLog();
        var otherLog = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using TestServer other = await StartCatchAllAsync(otherLog);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("secret-token") });

        await client.SendAsync(ApiRequest.Get($"//{other.BaseAddress.Authority}/steal"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Single(log.Requests);
        Assert.Empty(otherLog.Requests);
        Assert.Equal(0, other.TotalConnections);
    }

    [Fact]
    public async Task SendAsync_AbsoluteSameOriginPath_IsSentAsIs()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("tok") });

        await client.SendAsync(ApiRequest.Get(new Uri(server.BaseAddress, "v2/other?x=1").AbsoluteUri).WithQuery("y", "2"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("/v2/other?x=1&y=2", log.Single.Target);
        Assert.Equal("Bearer tok", log.Single.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_AbsoluteCrossOriginPath_ThrowsArgumentExceptionAndNothingIsSent()
    {
        var log = new CoreRequestLog();
        var otherLog = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using TestServer other = await StartCatchAllAsync(otherLog);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("secret-token") });

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => client.SendAsync(ApiRequest.Get(new Uri(other.BaseAddress, "v1/items?key=secret-token").AbsoluteUri), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Contains(other.BaseAddress.Authority, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", error.Message, StringComparison.Ordinal);
        Assert.Empty(otherLog.Requests);
        Assert.Equal(0, other.TotalConnections);
        Assert.Empty(log.Requests);
    }

    [Fact]
    public async Task SendAsync_AbsolutePathWithOtherScheme_IsCrossOrigin()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartCatchAllAsync(log);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        string httpsSameHostPort = "https://" + server.BaseAddress.Authority + "/v1/items";

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(ApiRequest.Get(httpsSameHostPort), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(0, server.TotalConnections);
    }
}
