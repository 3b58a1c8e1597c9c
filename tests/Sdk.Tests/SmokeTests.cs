using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Sse_unary_and_list_work_end_to_end()
    {
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "x"), TestJson.Default.Item));
            app.MapGet("/v1/stream", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "text/event-stream";
                for (int i = 0; i < 3; i++)
                {
                    await ctx.Response.WriteAsync($"id: {i}\ndata: {{\"id\":{i},\"text\":\"t{i}\"}}\n\n");
                    await ctx.Response.Body.FlushAsync();
                }

                await ctx.Response.WriteAsync("data: [DONE]\n\n");
            });
            app.MapGet("/v1/list", (HttpContext ctx) =>
            {
                string? after = ctx.Request.Query["starting_after"];
                int start = after is null ? 0 : int.Parse(after) + 1;
                var items = Enumerable.Range(start, Math.Max(0, Math.Min(2, 5 - start))).Select(i => $"{{\"id\":{i},\"text\":\"t{i}\"}}");
                return Results.Text($"{{\"data\":[{string.Join(',', items)}],\"has_more\":{(start + 2 < 5 ? "true" : "false")}}}", "application/json");
            });
        });

        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1") });

        ApiResponse<Item> one = await client.SendAsync(ApiRequest.Get("items/7"), TestJson.Default.Item);
        Assert.Equal(7, one.Value.Id);

        var streamed = new List<int>();
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item);
        await foreach (Item item in stream)
        {
            streamed.Add(item.Id);
        }

        Assert.Equal([0, 1, 2], streamed);
        Assert.True(stream.SawTerminalSentinel);
        Assert.Equal("2", stream.LastEventId);

        var listed = new List<int>();
        await foreach (Item item in client.ListAsync(ApiRequest.Get("list"), Paginators.Cursor(new CursorPaginationOptions()), TestJson.Default.Item))
        {
            listed.Add(item.Id);
        }

        Assert.Equal([0, 1, 2, 3, 4], listed);
    }
}
