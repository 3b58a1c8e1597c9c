using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>The SSE fields and corner cases of the WHATWG processing model, each against a real server.</summary>
public sealed class SseFieldTests
{
    private const string One = "{\"id\":1,\"text\":\"a\"}";
    private const string Two = "{\"id\":2,\"text\":\"b\"}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamAsync_BodyStartsWithUtf8Bom_BomIsSkipped(bool trickle)
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. StreamServer.Utf8($"data: {One}\n\n")];
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await (trickle ? StreamServer.TrickleAsync(context, body) : StreamServer.WriteAsync(context, body));
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([new Item(1, "a")], items);
    }

    [Fact]
    public async Task StreamAsync_BomAfterTheStart_IsPartOfTheFieldName()
    {
        // Only a leading BOM is stripped; one later in the body makes "\uFEFFdata" an unknown field, so that event has no data.
        await using TestServer server = await StartAsync($"data: {One}\n\n\uFEFFdata: {Two}\n\ndata: {Two}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([new Item(1, "a"), new Item(2, "b")], items);
    }

    [Fact]
    public async Task StreamAsync_CommentLines_AreNotEvents()
    {
        await using TestServer server = await StartAsync($": ping\n\n: ping\ndata: {One}\n: between data lines\n\n:\n\ndata: {Two}\n\n: trailing\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);

        Assert.Equal([new Item(1, "a"), new Item(2, "b")], events.Select(e => e.Value));
        Assert.Equal(One, Text(events[0].Data));
    }

    [Fact]
    public async Task StreamAsync_TwoDataLines_AreJoinedWithLineFeed()
    {
        await using TestServer server = await StartAsync("data: {\"id\":7,\r\ndata:\"text\":\"x\"}\r\n\r\nevent: note\ndata: line one\ndata:\ndata: line three\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        var options = new StreamOptions { EventTypes = ["message"] };

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, options).Events);

        Assert.Equal(2, events.Count);
        Assert.Equal(new Item(7, "x"), events[0].Value);
        Assert.Equal("{\"id\":7,\n\"text\":\"x\"}", Text(events[0].Data));
        Assert.False(events[1].IsKnown);
        Assert.Equal("line one\n\nline three", Text(events[1].Data));
    }

    [Fact]
    public async Task StreamAsync_MultiLineStringData_DecodesAsOneItem()
    {
        await using TestServer server = await StartAsync("data: \"first\ndata: second\"\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        // A raw line feed inside a JSON string is invalid JSON: the joined data reaches the decoder as one value.
        (List<string> items, InvalidResponseException error) = await StreamCollect.UntilAsync<string, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), StreamTestJson.Default.String));

        Assert.Empty(items);
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(0, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_IdContainingNull_IsIgnored()
    {
        await using TestServer server = await StartAsync($"id: 1\ndata: {One}\n\nid: bad\0id\ndata: {Two}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal(["1", "1"], events.Select(e => e.Id));
        Assert.Equal("1", result.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_EmptyIdField_ResetsLastEventId()
    {
        await using TestServer server = await StartAsync($"id: 1\ndata: {One}\n\nid\ndata: {Two}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal("1", result.LastEventId);
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Null(result.LastEventId);
        Assert.False(await StreamCollect.NextAsync(items));
    }

    [Fact]
    public async Task StreamAsync_IdOnlyEvent_SetsIdForTheNextEvent()
    {
        // An event without data is not dispatched, but its id still becomes the last event id.
        await using TestServer server = await StartAsync($"id: 5\n\ndata: {One}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        StreamEvent<Item> only = Assert.Single(events);
        Assert.Equal("5", only.Id);
        Assert.Equal("5", result.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_RetryField_IsExposedAsReconnectionInterval()
    {
        await using TestServer server = await StartAsync($"data: {One}\n\nretry: 1500\ndata: {Two}\n\nretry: 12x\nretry\ndata: {One}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Assert.Null(result.ReconnectionInterval);
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Null(result.ReconnectionInterval);
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.ReconnectionInterval);
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.ReconnectionInterval); // invalid retry values are ignored
        Assert.False(await StreamCollect.NextAsync(items));
    }

    [Fact]
    public async Task StreamAsync_EmptyEventField_MeansMessage()
    {
        await using TestServer server = await StartAsync($"event:\ndata: {One}\n\nevent: other\ndata: {Two}\n\nevent: \ndata: {Two}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);
        List<Item> typed = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { EventTypes = ["message"] }));

        Assert.Equal(["message", "other", "message"], events.Select(e => e.EventType));
        Assert.Equal([new Item(1, "a"), new Item(2, "b")], typed);
    }

    [Fact]
    public async Task StreamAsync_IncompleteEventAtEof_IsNotDispatched()
    {
        await using TestServer server = await StartAsync($"data: {One}\n\ndata: {Two}\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal([new Item(1, "a")], events.Select(e => e.Value));
        Assert.Equal(1, result.ItemCount);
    }

    [Fact]
    public async Task StreamAsync_IncompleteSentinelAtEof_IsNotASentinel()
    {
        await using TestServer server = await StartAsync($"data: {One}\n\ndata: [DONE]");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { RequireTerminalSentinel = true });

        (List<Item> items, StreamInterruptedException error) = await StreamCollect.UntilAsync<Item, StreamInterruptedException>(result);

        Assert.Single(items);
        Assert.Equal(StreamInterruptionReason.EndedBeforeSentinel, error.Reason);
        Assert.False(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_FieldWithoutSpaceOrWithTwoSpaces_KeepsAllButOneSpace()
    {
        // "data:x" and "data: x" are the same; a second space is part of the value.
        await using TestServer server = await StartAsync("event:  spaced\ndata:{\"id\":1,\"text\":\"a\"}\n\ndata:  {\"id\":2,\"text\":\"b\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);

        Assert.Equal([" spaced", "message"], events.Select(e => e.EventType));
        Assert.Equal(" " + Two, Text(events[1].Data));
        Assert.Equal(new Item(2, "b"), events[1].Value);
    }

    private static Task<TestServer> StartAsync(string body) =>
        TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
