using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>A <see cref="StreamResult{T}"/> sends nothing until the first <c>MoveNextAsync</c>, exposes the response after it, and is enumerated once.</summary>
public sealed class StreamLazySendTests
{
    private const string Body = "data: {\"id\":1,\"text\":\"a\"}\n\ndata: {\"id\":2,\"text\":\"b\"}\n\n";

    [Fact]
    public async Task StreamAsync_NothingIsSentUntilFirstMoveNext()
    {
        int streamRequests = 0;
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/s", async (HttpContext context) =>
            {
                Interlocked.Increment(ref streamRequests);
                context.Response.Headers["x-request-id"] = "req-42";
                await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
                await StreamServer.WriteAsync(context, Body);
            });
            app.MapGet("/ping", () => Results.Json(new Item(0, "pong"), TestJson.Default.Item));
        });
        await using SdkClient client = StreamTestClient.Create(server);

        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();
        // A later request on the same client completes first: had the stream been sent eagerly, the server would have seen it.
        await client.SendAsync(ApiRequest.Get("ping"), TestJson.Default.Item).WaitAsync(StreamCollect.Limit);

        Assert.Equal(0, Volatile.Read(ref streamRequests));
        Assert.False(result.HasResponse);
        Assert.Null(result.StatusCode);
        Assert.Null(result.Headers);
        Assert.Null(result.RequestId);
        Assert.Null(result.Format);

        Assert.True(await StreamCollect.NextAsync(items));

        Assert.Equal(1, Volatile.Read(ref streamRequests));
        Assert.True(result.HasResponse);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("req-42", result.RequestId);
        Assert.NotNull(result.Headers);
        Assert.Equal("text/event-stream", result.Headers.ContentType);
        Assert.True(result.Headers.TryGetValue("X-Request-Id", out string? id));
        Assert.Equal("req-42", id);
        Assert.Equal(StreamFormat.ServerSentEvents, result.Format);
        Assert.Equal(new Item(1, "a"), items.Current);
    }

    [Fact]
    public async Task StreamAsync_EnumeratorDisposedBeforeMoveNext_SendsNothing()
    {
        int streamRequests = 0;
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/s", (HttpContext context) =>
            {
                Interlocked.Increment(ref streamRequests);
                return StreamServer.Body(StreamServer.Sse, Body)(context);
            });
            app.MapGet("/ping", () => Results.Json(new Item(0, "pong"), TestJson.Default.Item));
        });
        await using SdkClient client = StreamTestClient.Create(server);

        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await result.GetAsyncEnumerator().DisposeAsync();
        await client.SendAsync(ApiRequest.Get("ping"), TestJson.Default.Item).WaitAsync(StreamCollect.Limit);

        Assert.Equal(0, Volatile.Read(ref streamRequests));
        Assert.False(result.HasResponse);
    }

    [Fact]
    public async Task StreamAsync_ResponseKnownAfterStreamEnds()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers["request-id"] = "fallback-id";
            await StreamServer.Body(StreamServer.Sse, Body)(context);
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        await StreamCollect.AllAsync(result);

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("fallback-id", result.RequestId);
        Assert.Equal(2, result.ItemCount);
    }

    [Fact]
    public async Task StreamAsync_EnumeratedTwice_ThrowsInvalidOperation()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, Body)));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> first = await StreamCollect.AllAsync(result);

        Assert.Equal(2, first.Count);
        Assert.Throws<InvalidOperationException>(() => result.GetAsyncEnumerator());
        Assert.Throws<InvalidOperationException>(() => result.Events.GetAsyncEnumerator());
    }

    [Fact]
    public async Task StreamAsync_TypedAfterEventsView_ThrowsInvalidOperation()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, Body)));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        await using IAsyncEnumerator<StreamEvent<Item>> events = result.Events.GetAsyncEnumerator();

        // The second claim fails at once, even before the first enumerator moved.
        Assert.Throws<InvalidOperationException>(() => result.GetAsyncEnumerator());
        Assert.True(await StreamCollect.NextAsync(events));
        Assert.Equal(new Item(1, "a"), events.Current.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    public async Task StreamAsync_NonPositiveItemTimeouts_ThrowArgumentExceptionAtOnce(int milliseconds)
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, Body)));
        await using SdkClient client = StreamTestClient.Create(server);
        TimeSpan value = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Throws<ArgumentException>(() => client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { FirstEventTimeout = value }));
        Assert.Throws<ArgumentException>(() => client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { IdleTimeout = value }));
        Assert.Equal(0, server.TotalConnections);
    }

    [Fact]
    public async Task StreamAsync_DisposedClient_ThrowsObjectDisposed()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, Body)));
        SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await client.DisposeAsync();

        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => items.MoveNextAsync().AsTask().WaitAsync(StreamCollect.Limit));
        Assert.Throws<ObjectDisposedException>(() => client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));
    }
}
