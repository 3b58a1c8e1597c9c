using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Pagination;

/// <summary>Next-link pagination (Paginators.NextLink): links in the body or the Link header, same-origin only.</summary>
public sealed class NextLinkPaginationTests
{
    private static SdkClient Client(TestServer server, ApiCredential? credential = null) =>
        SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = credential });

    private static string Page(string items, string? next) =>
        $"{{\"data\":[{items}],\"next\":{(next is null ? "null" : $"\"{next}\"")}}}";

    [Theory]
    [InlineData("/v1/items?page=2")]
    [InlineData("items?page=2")]
    [InlineData("?page=2")]
    [InlineData("ABSOLUTE")]
    public async Task ListAsync_NextLinkInBody_RelativeOrAbsoluteSameOrigin_Followed(string link)
    {
        var log = new CoreRequestLog();
        string? absolute = null;
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items", (HttpContext context) => (string?)context.Request.Query["page"] switch
            {
                null => Results.Text(Page("{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}", link == "ABSOLUTE" ? absolute : link), "application/json"),
                "2" => Results.Text(Page("{\"id\":3,\"text\":\"c\"}", null), "application/json"),
                _ => Results.StatusCode(400),
            });
        });
        absolute = new Uri(server.BaseAddress, "v1/items?page=2").AbsoluteUri;
        await using SdkClient client = Client(server, ApiCredential.Bearer("tok"));

        List<Item> items = await client.ListAsync(ApiRequest.Get("items").WithQuery("per_page", "2").WithHeader("X-Trace", "t1"), Paginators.NextLink(), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2, 3], items.Select(i => i.Id));
        Assert.Equal(["/v1/items?per_page=2", "/v1/items?page=2"], log.Targets);
        Assert.All(log.Requests, seen => Assert.Equal(("Bearer tok", "t1"), (seen.Header("Authorization"), seen.Header("X-Trace"))));
    }

    [Fact]
    public async Task ListAsync_DottedNextLinkField_Followed()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/articles", (HttpContext context) => (string?)context.Request.Query["page[number]"] switch
            {
                null => Results.Text("{\"links\":{\"self\":\"/v1/articles\",\"next\":\"/v1/articles?page%5Bnumber%5D=2\"},\"data\":[{\"id\":1,\"text\":\"a\"}]}", "application/vnd.api+json"),
                "2" => Results.Text("{\"links\":{\"self\":\"/v1/articles?page%5Bnumber%5D=2\",\"next\":null},\"data\":[{\"id\":2,\"text\":\"b\"}]}", "application/vnd.api+json"),
                _ => Results.StatusCode(400),
            });
        });
        await using SdkClient client = Client(server);

        List<Item> items = await client.ListAsync(ApiRequest.Get("articles"), Paginators.NextLink(new NextLinkPaginationOptions { NextLinkField = "links.next" }), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(["/v1/articles", "/v1/articles?page%5Bnumber%5D=2"], log.Targets);
    }

    [Fact]
    public async Task ListPagesAsync_LinkHeaderWithTopLevelArray_GitHubStyle()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/repos", (HttpContext context) =>
            {
                string self = new Uri(Origin(context), "v1/repos").AbsoluteUri;
                string page = context.Request.Query["page"].FirstOrDefault() ?? "1";
                context.Response.Headers["x-request-id"] = $"gh_{page}";
                context.Response.Headers.Link = page switch
                {
                    "1" => $"<{self}?page=2&per_page=2>; rel=\"next\", <{self}?page=3&per_page=2>; rel=\"last\"",
                    "2" => $"<{self}?page=1&per_page=2>; rel=\"prev\", <{self}?page=3&per_page=2>; rel=\"next\", <{self}?page=3&per_page=2>; rel=\"last\", <{self}?page=1&per_page=2>; rel=\"first\"",
                    _ => $"<{self}?page=2&per_page=2>; rel=\"prev\", <{self}?page=1&per_page=2>; rel=\"first\"",
                };
                string items = page switch
                {
                    "1" => "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}]",
                    "2" => "[{\"id\":3,\"text\":\"c\"},{\"id\":4,\"text\":\"d\"}]",
                    _ => "[{\"id\":5,\"text\":\"e\"}]",
                };
                return Results.Text(items, "application/json");
            });
        });
        await using SdkClient client = Client(server);
        var paginator = Paginators.NextLink(new NextLinkPaginationOptions { ItemsField = null, NextLinkField = null });

        List<Page<Item>> pages = await client.ListPagesAsync(ApiRequest.Get("repos").WithQuery("per_page", "2"), paginator, TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([[1, 2], [3, 4], [5]], pages.Select(p => p.Items.Select(i => i.Id).ToArray()));
        Assert.Equal(["gh_1", "gh_2", "gh_3"], pages.Select(p => p.RequestId));
        Assert.EndsWith("/v1/repos?page=2&per_page=2", pages[0].Continuation, StringComparison.Ordinal);
        Assert.EndsWith("/v1/repos?page=3&per_page=2", pages[1].Continuation, StringComparison.Ordinal);
        Assert.Null(pages[2].Continuation);
        Assert.Equal(["/v1/repos?per_page=2", "/v1/repos?page=2&per_page=2", "/v1/repos?page=3&per_page=2"], log.Targets);

        static Uri Origin(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}/");
    }

    [Fact]
    public async Task ListAsync_BodyLinkMissing_FallsBackToLinkHeader()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items", (HttpContext context) =>
            {
                if (context.Request.Query["page"] == "2")
                {
                    return Results.Text("{\"data\":[{\"id\":2,\"text\":\"b\"}]}", "application/json");
                }

                context.Response.Headers.Link = "</v1/items?page=2>; rel=next";
                return Results.Text("{\"data\":[{\"id\":1,\"text\":\"a\"}],\"next\":null}", "application/json");
            });
        });
        await using SdkClient client = Client(server);

        List<Item> items = await client.ListAsync(ApiRequest.Get("items"), Paginators.NextLink(), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(["/v1/items", "/v1/items?page=2"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_LinkHeaderIgnoredWhenDisabled()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items", (HttpContext context) =>
            {
                context.Response.Headers.Link = "</v1/items?page=2>; rel=\"next\"";
                return Results.Text("{\"data\":[{\"id\":1,\"text\":\"a\"}]}", "application/json");
            });
        });
        await using SdkClient client = Client(server);

        List<Item> items = await client.ListAsync(ApiRequest.Get("items"), Paginators.NextLink(new NextLinkPaginationOptions { UseLinkHeader = false }), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1], items.Select(i => i.Id));
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_CrossOriginNextLink_ThrowsCrossOriginLinkAfterFirstPageAndOtherOriginGetsNothing()
    {
        var otherLog = new CoreRequestLog();
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.MapGet("/{**rest}", () => Results.Text(Page("{\"id\":99,\"text\":\"stolen\"}", null), "application/json"));
        });
        string evil = new Uri(other.BaseAddress, "v1/items?page=2").AbsoluteUri;
        await using TestServer server = await TestServer.StartAsync(app =>
            app.MapGet("/v1/items", () => Results.Text(Page("{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}", evil), "application/json")));
        await using SdkClient client = Client(server, ApiCredential.Bearer("secret-token"));

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.NextLink(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
        InvalidResponseException invalid = Assert.IsType<InvalidResponseException>(error);
        Assert.Equal(InvalidResponseReason.CrossOriginLink, invalid.Reason);
        Assert.Contains(other.BaseAddress.Authority, invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", invalid.Message, StringComparison.Ordinal);
        Assert.Empty(otherLog.Requests);
        Assert.Equal(0, other.TotalConnections);
    }

    [Fact]
    public async Task ListAsync_CrossOriginLinkHeader_ThrowsCrossOriginLink()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items", (HttpContext context) =>
        {
            context.Response.Headers.Link = "<https://evil.example/v1/items?page=2>; rel=\"next\"";
            return Results.Text("[{\"id\":1,\"text\":\"a\"}]", "application/json");
        }));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client
            .ListAsync(ApiRequest.Get("items"), Paginators.NextLink(new NextLinkPaginationOptions { ItemsField = null, NextLinkField = null }), TestJson.Default.Item)
            .DrainBoundedAsync();

        Assert.Single(items);
        Assert.Equal(InvalidResponseReason.CrossOriginLink, Assert.IsType<InvalidResponseException>(error).Reason);
    }

    [Fact]
    public async Task ListAsync_NonHttpNextLink_ThrowsInvalidResponse()
    {
        await using TestServer server = await TestServer.StartAsync(app =>
            app.MapGet("/v1/items", () => Results.Text(Page("{\"id\":1,\"text\":\"a\"}", "javascript:alert(1)"), "application/json")));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.NextLink(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Single(items);
        Assert.IsType<InvalidResponseException>(error);
    }

    [Fact]
    public async Task ListAsync_NextLinkPointsToSamePageForever_StopsWithPaginationStalled()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items", () => Results.Text(Page("{\"id\":1,\"text\":\"a\"}", "/v1/items?page=2"), "application/json"));
        });
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.NextLink(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal(InvalidResponseReason.PaginationStalled, Assert.IsType<InvalidResponseException>(error).Reason);
        Assert.Equal(2, items.Count);
        Assert.Equal(2, log.Requests.Count);
    }

    [Fact]
    public void NextLink_WithoutAnySource_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Paginators.NextLink(new NextLinkPaginationOptions { NextLinkField = null, UseLinkHeader = false }));
    }
}
