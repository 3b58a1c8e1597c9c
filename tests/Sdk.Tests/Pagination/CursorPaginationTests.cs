using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Pagination;

/// <summary>Cursor pagination (Paginators.Cursor) against Kestrel: Stripe-style, Notion-style and custom field names.</summary>
public sealed class CursorPaginationTests
{
    private static readonly Customer[] Customers = [.. Enumerable.Range(1, 5).Select(i => new Customer($"cus_{i}", $"Customer {i}"))];

    /// <summary>A Stripe-like list: <c>limit</c>, <c>starting_after</c>, <c>data</c>, <c>has_more</c>, a request id per page.</summary>
    private static Task<TestServer> StartStripeAsync(CoreRequestLog log) => TestServer.StartAsync(app =>
    {
        log.Attach(app);
        app.MapGet("/v1/customers", (HttpContext context) =>
        {
            int limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "10", System.Globalization.CultureInfo.InvariantCulture);
            string? after = context.Request.Query["starting_after"];
            int start = after is null ? 0 : Array.FindIndex(Customers, c => c.Id == after) + 1;
            Customer[] page = [.. Customers.Skip(start).Take(limit)];
            bool hasMore = start + page.Length < Customers.Length;
            context.Response.Headers["request-id"] = $"req_page_{start}";
            string data = string.Join(",", page.Select(c => JsonSerializer.Serialize(c, TestJson.Default.Customer)));
            return Results.Text($"{{\"object\":\"list\",\"url\":\"/v1/customers\",\"data\":[{data}],\"has_more\":{(hasMore ? "true" : "false")}}}", "application/json");
        });
    });

    private static SdkClient Client(TestServer server) => SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

    [Fact]
    public async Task ListAsync_StripeStyle_WalksEveryPageWithLastIdAsCursorKeepingQueryAndHeaders()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartStripeAsync(log);
        await using SdkClient client = Client(server);
        ApiRequest request = ApiRequest.Get("customers").WithQuery("limit", "2").WithQuery("email", "a b@example.com").WithHeader("Stripe-Version", "2024-06-20");

        List<Customer> customers = await client.ListAsync(request, Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(Customers, customers);
        Assert.Equal(
            [
                "/v1/customers?limit=2&email=a%20b%40example.com",
                "/v1/customers?limit=2&email=a%20b%40example.com&starting_after=cus_2",
                "/v1/customers?limit=2&email=a%20b%40example.com&starting_after=cus_4",
            ],
            log.Targets);
        Assert.All(log.Requests, seen => Assert.Equal("2024-06-20", seen.Header("Stripe-Version")));
        Assert.Equal([new KeyValuePair<string, string>("limit", "2"), new KeyValuePair<string, string>("email", "a b@example.com")], request.Query);
    }

    [Fact]
    public async Task ListAsync_CallerAlreadySetsCursor_ReplacedNotRepeated()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartStripeAsync(log);
        await using SdkClient client = Client(server);

        List<Customer> customers = await client.ListAsync(ApiRequest.Get("customers").WithQuery("starting_after", "cus_1").WithQuery("limit", "3"), Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(Customers[1..], customers);
        Assert.Equal(["/v1/customers?starting_after=cus_1&limit=3", "/v1/customers?limit=3&starting_after=cus_4"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_SinglePageWithoutMore_SendsOneRequest()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartStripeAsync(log);
        await using SdkClient client = Client(server);

        List<Customer> customers = await client.ListAsync(ApiRequest.Get("customers").WithQuery("limit", "10"), Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(Customers, customers);
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListPagesAsync_StripeStyle_ExposesItemsContinuationAndRequestIdPerPage()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartStripeAsync(log);
        await using SdkClient client = Client(server);

        List<Page<Customer>> pages = await client.ListPagesAsync(ApiRequest.Get("customers").WithQuery("limit", "2"), Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(3, pages.Count);
        Assert.Equal([Customers[0], Customers[1]], pages[0].Items);
        Assert.Equal("cus_2", pages[0].Continuation);
        Assert.Equal("req_page_0", pages[0].RequestId);
        Assert.Equal(System.Net.HttpStatusCode.OK, pages[0].StatusCode);
        Assert.Equal("cus_4", pages[1].Continuation);
        Assert.Equal("req_page_2", pages[1].RequestId);
        Assert.Equal([Customers[4]], pages[2].Items);
        Assert.Null(pages[2].Continuation);
        Assert.Equal("req_page_4", pages[2].RequestId);
        Assert.Equal("application/json", pages[2].Headers.ContentType);
    }

    [Fact]
    public async Task ListAsync_EmptyList_YieldsNothingAfterOneRequest()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/customers", () => Results.Text("{\"data\":[],\"has_more\":false}", "application/json"));
        });
        await using SdkClient client = Client(server);

        List<Page<Customer>> pages = await client.ListPagesAsync(ApiRequest.Get("customers"), Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Page<Customer> page = Assert.Single(pages);
        Assert.Empty(page.Items);
        Assert.Null(page.Continuation);
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_NotionStyleNextCursorField_SendsStartCursor()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/search", (HttpContext context) => (string?)context.Request.Query["start_cursor"] switch
            {
                null => Results.Text("{\"object\":\"list\",\"results\":[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\",\"name\":\"B\"}],\"next_cursor\":\"opaque==1\",\"has_more\":true}", "application/json"),
                "opaque==1" => Results.Text("{\"object\":\"list\",\"results\":[{\"id\":\"c\",\"name\":\"C\"}],\"next_cursor\":null,\"has_more\":false}", "application/json"),
                _ => Results.StatusCode(400),
            });
        });
        await using SdkClient client = Client(server);
        var paginator = Paginators.Cursor(new CursorPaginationOptions { ItemsField = "results", NextCursorField = "next_cursor", CursorParameter = "start_cursor" });

        List<Customer> items = await client.ListAsync(ApiRequest.Get("search").WithQuery("page_size", "2"), paginator, TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(["a", "b", "c"], items.Select(c => c.Id));
        Assert.Equal(["/v1/search?page_size=2", "/v1/search?page_size=2&start_cursor=opaque%3D%3D1"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_NoHasMoreFieldAndEmptyNextCursor_StopsSlackStyle()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/conversations.list", (HttpContext context) => (string?)context.Request.Query["cursor"] switch
            {
                null => Results.Text("{\"ok\":true,\"channels\":[{\"id\":\"C1\",\"name\":\"general\"}],\"response_metadata\":{\"next_cursor\":\"dGVhbTpD\"}}", "application/json"),
                _ => Results.Text("{\"ok\":true,\"channels\":[{\"id\":\"C2\",\"name\":\"random\"}],\"response_metadata\":{\"next_cursor\":\"\"}}", "application/json"),
            });
        });
        await using SdkClient client = Client(server);
        var paginator = Paginators.Cursor(new CursorPaginationOptions
        {
            ItemsField = "channels",
            HasMoreField = null,
            NextCursorField = "response_metadata.next_cursor",
            CursorParameter = "cursor",
        });

        List<Customer> channels = await client.ListAsync(ApiRequest.Get("conversations.list"), paginator, TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(["C1", "C2"], channels.Select(c => c.Id));
        Assert.Equal(["/v1/conversations.list", "/v1/conversations.list?cursor=dGVhbTpD"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_CustomFieldNamesAndDottedPaths_Walks()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/nodes", (HttpContext context) => (string?)context.Request.Query["after"] switch
            {
                null => Results.Text("{\"result\":{\"page\":{\"nodes\":[{\"ref\":{\"id\":\"n1\"},\"name\":\"one\"},{\"ref\":{\"id\":\"n2\"},\"name\":\"two\"}]}},\"meta\":{\"more\":true}}", "application/json"),
                "n2" => Results.Text("{\"result\":{\"page\":{\"nodes\":[{\"ref\":{\"id\":\"n3\"},\"name\":\"three\"}]}},\"meta\":{\"more\":false}}", "application/json"),
                _ => Results.StatusCode(400),
            });
        });
        await using SdkClient client = Client(server);
        var paginator = Paginators.Cursor(new CursorPaginationOptions
        {
            ItemsField = "result.page.nodes",
            HasMoreField = "meta.more",
            ItemIdField = "ref.id",
            CursorParameter = "after",
        });

        List<CoreNode> nodes = await client.ListAsync(ApiRequest.Get("nodes"), paginator, CoreJson.Default.CoreNode).ToListBoundedAsync();

        Assert.Equal(["one", "two", "three"], nodes.Select(n => n.Name));
        Assert.Equal(["/v1/nodes", "/v1/nodes?after=n2"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_NumericItemIds_UsedAsCursorText()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items", (HttpContext context) => (string?)context.Request.Query["starting_after"] switch
            {
                null => Results.Text("{\"data\":[{\"id\":10,\"text\":\"a\"},{\"id\":20,\"text\":\"b\"}],\"has_more\":true}", "application/json"),
                "20" => Results.Text("{\"data\":[{\"id\":30,\"text\":\"c\"}],\"has_more\":false}", "application/json"),
                _ => Results.StatusCode(400),
            });
        });
        await using SdkClient client = Client(server);

        List<Item> items = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([10, 20, 30], items.Select(i => i.Id));
        Assert.Equal(["/v1/items", "/v1/items?starting_after=20"], log.Targets);
    }

    [Fact]
    public async Task ListAsync_SameFieldNamesNestedInItems_OnlyTopLevelFieldsCount()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/customers", () => Results.Text(
                "{\"meta\":{\"data\":[{\"id\":\"wrong\",\"name\":\"W\"}],\"has_more\":true},\"data\":[{\"id\":\"cus_1\",\"name\":\"has_more\",\"has_more\":true}],\"has_more\":false}",
                "application/json"));
        });
        await using SdkClient client = Client(server);

        List<Customer> customers = await client.ListAsync(ApiRequest.Get("customers"), Paginators.Cursor(), TestJson.Default.Customer).ToListBoundedAsync();

        Assert.Equal(["cus_1"], customers.Select(c => c.Id));
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_CallerStopsEarly_NoFurtherPagesRequested()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartStripeAsync(log);
        await using SdkClient client = Client(server);
        var seen = new List<string>();

        async Task TakeThreeAsync()
        {
            await foreach (Customer customer in client.ListAsync(ApiRequest.Get("customers").WithQuery("limit", "2"), Paginators.Cursor(), TestJson.Default.Customer))
            {
                seen.Add(customer.Id);
                if (seen.Count == 3)
                {
                    break;
                }
            }
        }

        await TakeThreeAsync().WaitAsync(CoreAsync.Bound);

        Assert.Equal(["cus_1", "cus_2", "cus_3"], seen);
        Assert.Equal(2, log.Requests.Count);
    }

    [Fact]
    public void Cursor_BlankFieldNames_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Paginators.Cursor(new CursorPaginationOptions { ItemsField = " " }));
        Assert.Throws<ArgumentException>(() => Paginators.Cursor(new CursorPaginationOptions { CursorParameter = "" }));
        Assert.Throws<ArgumentException>(() => Paginators.Cursor(new CursorPaginationOptions { ItemIdField = "" }));
    }
}
