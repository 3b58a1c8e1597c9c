using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Pagination;

/// <summary>Each page of a list is its own unary call with its own timeouts.</summary>
public sealed class PaginationTimeoutTests
{
    [Fact]
    public async Task ListAsync_SecondPageDelaysHeaders_ThrowsAttemptTimeoutAfterFirstPageItems()
    {
        var time = new ManualTimeProvider();
        var secondPageReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items", async (HttpContext context) =>
        {
            if (!context.Request.Query.ContainsKey("starting_after"))
            {
                await CoreResponses.WriteWithLengthAsync(context, "{\"data\":[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}],\"has_more\":true}");
                return;
            }

            secondPageReceived.TrySetResult();
            await CoreResponses.WaitForAbortAsync(context);
        }));
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            TimeProvider = time,
            Retry = { MaxRetries = 0 }, // one attempt; retries have their own tests
            Timeouts = { Connect = TimeSpan.FromSeconds(1), Attempt = TimeSpan.FromSeconds(5), Total = TimeSpan.FromSeconds(20) },
        });

        Task<(List<Item> Items, Exception? Error)> walk = client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();
        await secondPageReceived.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(5));
        (List<Item> items, Exception? error) = await walk;

        Assert.Equal([1, 2], items.Select(i => i.Id));
        SdkTimeoutException timeout = Assert.IsType<SdkTimeoutException>(error);
        Assert.Equal(TimeoutKind.Attempt, timeout.Kind);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Fact]
    public async Task ListAsync_TimeSpentOnEarlierPages_DoesNotCountAgainstLaterPages()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items", (HttpContext context) =>
            context.Request.Query.ContainsKey("starting_after")
                ? Results.Text("{\"data\":[{\"id\":3,\"text\":\"c\"}],\"has_more\":false}", "application/json")
                : Results.Text("{\"data\":[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}],\"has_more\":true}", "application/json")));
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            TimeProvider = time,
            Retry = { MaxRetries = 0 }, // one attempt; retries have their own tests
            Timeouts = { Connect = TimeSpan.FromSeconds(1), Attempt = TimeSpan.FromSeconds(5), Total = TimeSpan.FromSeconds(10) },
        });
        var ids = new List<int>();

        async Task WalkAsync()
        {
            await foreach (Item item in client.ListAsync(ApiRequest.Get("items"), Paginators.Cursor(), TestJson.Default.Item))
            {
                ids.Add(item.Id);

                // The caller is slow between items: far more than a page's total timeout passes.
                time.Advance(TimeSpan.FromSeconds(30));
            }
        }

        await WalkAsync().WaitAsync(CoreAsync.Bound);

        Assert.Equal([1, 2, 3], ids);
    }
}
