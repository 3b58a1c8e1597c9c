using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Pagination;

/// <summary>
/// Lists that cannot go on: stalls, API errors and bad pages after items were already yielded, and cancellation between
/// pages. Items already delivered stay delivered; the walk ends with a typed exception and never loops.
/// </summary>
public sealed class PaginationFailureTests
{
    private static SdkClient Client(TestServer server, Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Retry = { MaxRetries = 0 } }; // error mapping of one attempt; retries have their own tests
        configure?.Invoke(options);
        return SdkClient.Create(options);
    }

    /// <summary>A list whose first page is <paramref name="first"/> and every later page <paramref name="later"/>.</summary>
    private static Task<TestServer> StartAsync(CoreRequestLog log, string first, Func<HttpContext, IResult> later) => TestServer.StartAsync(app =>
    {
        log.Attach(app);
        app.MapGet("/v1/items", (HttpContext context) =>
            context.Request.Query.ContainsKey("starting_after") || context.Request.Query.ContainsKey("cursor") || context.Request.Query.ContainsKey("page")
                ? later(context)
                : Results.Text(first, "application/json"));
    });

    private const string FirstPage = "{\"data\":[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}],\"has_more\":true}";

    [Fact]
    public async Task ListAsync_EmptyPageClaimingMore_ThrowsPaginationStalledAfterEarlierItems()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text("{\"data\":[],\"has_more\":true}", "application/json"));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
        InvalidResponseException stalled = Assert.IsType<InvalidResponseException>(error);
        Assert.Equal(InvalidResponseReason.PaginationStalled, stalled.Reason);
        Assert.Equal(2, log.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_FirstPageEmptyClaimingMore_ThrowsPaginationStalled()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, "{\"data\":[],\"has_more\":true}", _ => Results.StatusCode(500));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Empty(items);
        Assert.Equal(InvalidResponseReason.PaginationStalled, Assert.IsType<InvalidResponseException>(error).Reason);
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_ServerIgnoresCursorAndRepeatsPage_ThrowsPaginationStalledInsteadOfLooping()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text(FirstPage, "application/json"));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal(InvalidResponseReason.PaginationStalled, Assert.IsType<InvalidResponseException>(error).Reason);
        Assert.Equal([1, 2, 1, 2], items.Select(i => i.Id));
        Assert.Equal(2, log.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_RepeatedNextCursor_ThrowsPaginationStalled()
    {
        var log = new CoreRequestLog();
        int calls = 0;
        await using TestServer server = await StartAsync(
            log,
            "{\"data\":[{\"id\":1,\"text\":\"a\"}],\"has_more\":true,\"next_cursor\":\"c1\"}",
            _ => Interlocked.Increment(ref calls) == 1
                ? Results.Text("{\"data\":[{\"id\":2,\"text\":\"b\"}],\"has_more\":true,\"next_cursor\":\"c2\"}", "application/json")
                : Results.Text("{\"data\":[{\"id\":3,\"text\":\"c\"}],\"has_more\":true,\"next_cursor\":\"c1\"}", "application/json"));
        await using SdkClient client = Client(server);
        var paginator = Paginators.Cursor(new CursorPaginationOptions { NextCursorField = "next_cursor", CursorParameter = "cursor" });

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), paginator, TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1, 2, 3], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.PaginationStalled, Assert.IsType<InvalidResponseException>(error).Reason);
        Assert.Equal(["/v1/items", "/v1/items?cursor=c1", "/v1/items?cursor=c2"], log.Targets);
    }

    /// <remarks>The page is rejected as a whole: its items are not yielded before the exception (none were delivered, none are lost).</remarks>
    [Fact]
    public async Task ListAsync_HasMoreWithoutNextCursor_DeliversThePageThenThrowsPaginationStalled()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, "{\"data\":[{\"id\":1,\"text\":\"a\"}],\"has_more\":true,\"next_cursor\":null}", _ => Results.StatusCode(500));
        await using SdkClient client = Client(server);
        var paginator = Paginators.Cursor(new CursorPaginationOptions { NextCursorField = "next_cursor", CursorParameter = "cursor" });

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), paginator, TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.PaginationStalled, Assert.IsType<InvalidResponseException>(error).Reason);
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_ApiErrorOnSecondPage_ThrowsApiExceptionAfterFirstPageItems()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, context =>
        {
            context.Response.Headers["x-request-id"] = "req_page2";
            return Results.Text("{\"error\":{\"message\":\"Rate limit exceeded\"}}", "application/json", statusCode: 429);
        });
        await using SdkClient client = Client(server, o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items").WithQuery("limit", "2"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
        ApiException api = Assert.IsType<ApiException>(error);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("req_page2", api.RequestId);
        Assert.Equal("Rate limit exceeded", Assert.IsType<ErrorEnvelope>(api.Error).Error.Message);
        Assert.Equal("GET items returned 429 Too Many Requests (request id req_page2): Rate limit exceeded", api.Message);
    }

    [Fact]
    public async Task ListAsync_SecondPageNotJson_ThrowsUnexpectedContentType()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text("<html>maintenance</html>", "text/html"));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal(2, items.Count);
        InvalidResponseException invalid = Assert.IsType<InvalidResponseException>(error);
        Assert.Equal(InvalidResponseReason.UnexpectedContentType, invalid.Reason);
        Assert.Contains("maintenance", invalid.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"data\":[{\"id\":3,\"text\":\"c\"}", InvalidResponseReason.InvalidJson)]
    [InlineData("{\"items\":[]}", InvalidResponseReason.InvalidJson)]
    [InlineData("{\"data\":{\"id\":3}}", InvalidResponseReason.InvalidJson)]
    [InlineData("{\"data\":[{\"id\":\"x\",\"text\":\"c\"}],\"has_more\":false}", InvalidResponseReason.InvalidJson)]
    [InlineData("{\"data\":[null],\"has_more\":false}", InvalidResponseReason.InvalidJson)]
    [InlineData("", InvalidResponseReason.EmptyBody)]
    public async Task ListAsync_BadSecondPage_ThrowsTypedInvalidResponse(string body, InvalidResponseReason reason)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text(body, "application/json"));
        await using SdkClient client = Client(server);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal(2, items.Count);
        Assert.Equal(reason, Assert.IsType<InvalidResponseException>(error).Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListAsync_PageLargerThanMaxResponseBytes_ThrowsResponseTooLarge(bool chunked)
    {
        string big = "{\"data\":[" + string.Join(",", Enumerable.Range(1, 500).Select(i => $"{{\"id\":{i},\"text\":\"item number {i}\"}}")) + "],\"has_more\":false}";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items", (HttpContext context) => CoreResponses.WriteAsync(context, big, chunked)));
        await using SdkClient client = Client(server, o => o.MaxResponseBytes = 4096);

        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Empty(items);
        Assert.Equal(InvalidResponseReason.ResponseTooLarge, Assert.IsType<InvalidResponseException>(error).Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListAsync_LargePagesNearTheLimit_AreReadWhole(bool chunked)
    {
        string big = "{\"data\":[" + string.Join(",", Enumerable.Range(1, 20_000).Select(i => $"{{\"id\":{i},\"text\":\"item number {i}\"}}")) + "],\"has_more\":false}";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items", (HttpContext context) => CoreResponses.WriteAsync(context, big, chunked)));
        await using SdkClient client = Client(server, o => o.MaxResponseBytes = big.Length);

        List<Item> items = await client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal(20_000, items.Count);
        Assert.Equal(Enumerable.Range(1, 20_000), items.Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_CanceledBetweenPages_ThrowsOperationCanceledWithCallerTokenAndSendsNoMoreRequests()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text("{\"data\":[{\"id\":3,\"text\":\"c\"}],\"has_more\":false}", "application/json"));
        await using SdkClient client = Client(server);
        using var cts = new CancellationTokenSource();
        var items = new List<Item>();

        async Task WalkAsync()
        {
            await foreach (Item item in client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).WithCancellation(cts.Token))
            {
                items.Add(item);
                if (item.Id == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WalkAsync().WaitAsync(CoreAsync.Bound));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListPagesAsync_TokenPassedToMethodCanceledBetweenPages_ThrowsOperationCanceled()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, FirstPage, _ => Results.Text("{\"data\":[{\"id\":3,\"text\":\"c\"}],\"has_more\":false}", "application/json"));
        await using SdkClient client = Client(server);
        using var cts = new CancellationTokenSource();
        int pages = 0;

        async Task WalkAsync()
        {
            await foreach (Page<Item> page in client.ListPagesAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item, cts.Token))
            {
                pages++;
                await cts.CancelAsync();
            }
        }

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WalkAsync().WaitAsync(CoreAsync.Bound));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(1, pages);
        Assert.Single(log.Requests);
    }

    [Fact]
    public async Task ListAsync_IsLazy_SendsNothingUntilEnumerated()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log, "{\"data\":[],\"has_more\":false}", _ => Results.StatusCode(500));
        await using SdkClient client = Client(server);

        IAsyncEnumerable<Item> list = client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item);
        Assert.Empty(log.Requests);
        await list.ToListBoundedAsync();

        Assert.Single(log.Requests);
    }
}
