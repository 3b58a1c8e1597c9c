using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests;

/// <summary>SdkClient's lifetime and argument checks.</summary>
public sealed class SdkClientTests
{
    private static SdkClient InMemoryClient(InMemoryTransport transport) =>
        SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("https://api.example.com/v1") }).UseTransport(transport).Build();

    [Fact]
    public async Task BaseAddress_WithoutTrailingSlash_GetsOne()
    {
        await using SdkClient client = InMemoryClient(new InMemoryTransport());

        Assert.Equal("https://api.example.com/v1/", client.BaseAddress.AbsoluteUri);
    }

    [Fact]
    public async Task AfterDisposeAsync_EveryCallThrowsObjectDisposed()
    {
        var transport = new InMemoryTransport();
        transport.Responder = _ => ScriptedResponse.Json("{\"id\":1,\"text\":\"a\"}");
        SdkClient client = InMemoryClient(transport);
        await client.DisposeAsync();
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(ApiRequest.Get("x")).WaitAsync(CoreAsync.Bound));
        Assert.Throws<ObjectDisposedException>(() => client.ListAsync(ApiRequest.Get("x"), Paginators.Cursor(), TestJson.Default.Item));
        Assert.Throws<ObjectDisposedException>(() => client.ListPagesAsync(ApiRequest.Get("x"), Paginators.Cursor(), TestJson.Default.Item));
        Assert.Throws<ObjectDisposedException>(() => client.StreamAsync(ApiRequest.Get("x"), TestJson.Default.Item));
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task DisposeAsync_DuringListWalk_NextPageThrowsObjectDisposed()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"data\":[{\"id\":1,\"text\":\"a\"}],\"has_more\":true}"));
        transport.Responder = _ => ScriptedResponse.Json("{\"data\":[{\"id\":2,\"text\":\"b\"}],\"has_more\":false}");
        SdkClient client = InMemoryClient(transport);
        var items = new List<int>();

        async Task WalkAsync()
        {
            await foreach (Item item in client.ListAsync(ApiRequest.Get("x"), Paginators.Cursor(), TestJson.Default.Item))
            {
                items.Add(item.Id);
                await client.DisposeAsync();
            }
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => WalkAsync().WaitAsync(CoreAsync.Bound));
        Assert.Equal([1], items);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task DisposeAsync_OwnTransport_ClosesConnections()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item)));
        SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        Assert.Equal(1, server.OpenConnections);

        await client.DisposeAsync();

        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    /// <summary>
    /// SdkClient.DisposeAsync documents "Calls in flight fail". The server here never answers on its own, so the call can
    /// only end if disposing the client ends it.
    /// </summary>
    [Fact]
    public async Task DisposeAsync_CallInFlight_ThrowsObjectDisposedPromptly()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/slow", async (HttpContext context) =>
        {
            received.TrySetResult();
            await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return Results.StatusCode(503);
        }));
        SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("slow"), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        await client.DisposeAsync().AsTask().WaitAsync(CoreAsync.Bound);
        Exception? error = await Record.ExceptionAsync(() => call.WaitAsync(TimeSpan.FromSeconds(3)));
        release.TrySetResult();

        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public async Task DisposeAsync_StreamInFlight_EndsItWithObjectDisposedAndKeepsDeliveredItems()
    {
        var firstSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/feed", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":1,\"text\":\"a\"}\n\n");
            await context.Response.Body.FlushAsync();
            firstSent.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item).GetAsyncEnumerator();

        Assert.True(await items.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));
        await firstSent.Task.WaitAsync(CoreAsync.Bound);
        Task<bool> pending = items.MoveNextAsync().AsTask();
        await client.DisposeAsync().AsTask().WaitAsync(CoreAsync.Bound);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(CoreAsync.Bound));
        Assert.Equal(1, items.Current.Id);
    }

    [Fact]
    public async Task SameClient_ConcurrentCalls_AllSucceedOverPooledConnections()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "a"), TestJson.Default.Item)));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item>[] responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => client.SendAsync(ApiRequest.Get($"items/{i}"), TestJson.Default.Item))).WaitAsync(CoreAsync.Bound);

        Assert.Equal(Enumerable.Range(1, 20), responses.Select(r => r.Value.Id));
    }

    [Fact]
    public async Task Methods_NullArguments_ThrowArgumentNull()
    {
        await using SdkClient client = InMemoryClient(new InMemoryTransport());

        await Assert.ThrowsAsync<ArgumentNullException>(() => client.SendAsync(null!, TestJson.Default.Item));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.SendAsync(ApiRequest.Get("x"), (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Item>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.SendAsync(null!));
        Assert.Throws<ArgumentNullException>(() => client.ListAsync(null!, Paginators.Cursor(), TestJson.Default.Item));
        Assert.Throws<ArgumentNullException>(() => client.ListAsync(ApiRequest.Get("x"), null!, TestJson.Default.Item));
        Assert.Throws<ArgumentNullException>(() => client.ListPagesAsync<Item>(ApiRequest.Get("x"), Paginators.Cursor(), null!));
    }
}
