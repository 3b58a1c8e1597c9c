using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sdk.Extensions.Tests.Infrastructure;

namespace Sdk.Extensions.Tests;

/// <summary>The resolved client over its own pooled HTTP transport, against a real Kestrel server on 127.0.0.1.</summary>
public sealed class AddSdkClientEndToEndTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ResolvedClient_AgainstKestrel_SendsConfiguredHeadersForUnaryCallsAndStreams()
    {
        var seen = new ConcurrentQueue<string>();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                seen.Enqueue($"{context.Request.Path} {context.Request.Headers.Authorization} {context.Request.Headers["X-Tenant"]}");
                await next(context);
            });
            app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, $"item {id}"), TestJson.Default.Item));
            app.MapGet("/v1/feed", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                for (int i = 1; i <= 3; i++)
                {
                    await context.Response.WriteAsync($"data: {{\"id\":{i},\"text\":\"t{i}\"}}\n\n");
                    await context.Response.Body.FlushAsync();
                }

                await context.Response.WriteAsync("data: [DONE]\n\n");
            });
        });
        var services = new ServiceCollection();
        services.AddSdkClient(options =>
        {
            options.BaseAddress = new Uri(server.BaseAddress, "v1/");
            options.Credential = ApiCredential.Bearer("e2e-token");
            options.DefaultHeaders["X-Tenant"] = "tenant-e2e";
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        SdkClient client = provider.GetRequiredService<SdkClient>();
        using var timeout = new CancellationTokenSource(Bound);

        ApiResponse<Item> one = await client.SendAsync(ApiRequest.Get("items/7"), TestJson.Default.Item, timeout.Token);
        var streamed = new List<int>();
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, cancellationToken: timeout.Token);
        await foreach (Item item in stream)
        {
            streamed.Add(item.Id);
        }

        Assert.Equal(new Item(7, "item 7"), one.Value);
        Assert.Equal([1, 2, 3], streamed);
        Assert.True(stream.SawTerminalSentinel);
        Assert.Equal(["/v1/items/7 Bearer e2e-token tenant-e2e", "/v1/feed Bearer e2e-token tenant-e2e"], seen);
    }

    [Fact]
    public async Task DisposeAsync_RootContainer_ClosesTheResolvedClientsPooledConnections()
    {
        await using TestServer server = await TestServer.StartAsync(app =>
            app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "x"), TestJson.Default.Item)));
        var services = new ServiceCollection();
        services.AddSdkClient(options => options.BaseAddress = new Uri(server.BaseAddress, "v1/"));
        ServiceProvider provider = services.BuildServiceProvider();
        SdkClient client = provider.GetRequiredService<SdkClient>();
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(Bound);

        // The finished call leaves its connection in the client's pool, open.
        await server.WaitForConnectionsAsync(open => open == 1, Bound);

        await provider.DisposeAsync();

        await server.WaitForConnectionsAsync(open => open == 0, Bound);
    }
}
