using System.Text;
using Microsoft.AspNetCore.Builder;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>The typed enumeration against the raw <see cref="StreamResult{T}.Events"/> view: filtering, unknown events, raw bytes.</summary>
public sealed class StreamEventViewTests
{
    private const string Body =
        "id: 1\nevent: delta\ndata: {\"id\":1,\"text\":\"a\"}\n\n" +
        "id: 2\nevent: ping\ndata: keep-alive, not JSON\n\n" +
        "id: 3\nevent: delta\ndata: {\"id\":3,\"text\":\"c\"}\n\n" +
        "id: 4\nevent: usage\ndata: {\"tokens\":[1,2,3]}\n\n";

    private static readonly StreamOptions DeltasOnly = new() { EventTypes = ["delta"] };

    [Fact]
    public async Task StreamAsync_EventTypesFilter_TypedViewSkipsOtherTypes()
    {
        await using TestServer server = await StartAsync(Body);
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, DeltasOnly);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal([new Item(1, "a"), new Item(3, "c")], items);
        Assert.Equal(2, result.ItemCount);
        Assert.Equal("3", result.LastEventId); // the id of the last delivered item, not of the skipped event after it
    }

    [Fact]
    public async Task StreamAsync_EventTypesFilter_EventsViewPassesUnknownEventsThroughRaw()
    {
        await using TestServer server = await StartAsync(Body);
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, DeltasOnly);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal(["delta", "ping", "delta", "usage"], events.Select(e => e.EventType));
        Assert.Equal([true, false, true, false], events.Select(e => e.IsKnown));
        Assert.Equal(["1", "2", "3", "4"], events.Select(e => e.Id));
        Assert.Equal("keep-alive, not JSON", Text(events[1].Data));
        Assert.Null(events[1].Value);
        Assert.Equal("{\"tokens\":[1,2,3]}", Text(events[3].Data));
        Assert.Equal("{\"id\":3,\"text\":\"c\"}", Text(events[2].Data));
        Assert.Equal(new Item(3, "c"), events[2].Value);
        Assert.Equal(2, result.ItemCount);
    }

    [Fact]
    public async Task StreamAsync_NoEventTypesFilter_EveryTypeIsDecoded()
    {
        await using TestServer server = await StartAsync("event: a\ndata: {\"id\":1,\"text\":\"a\"}\n\nevent: b\ndata: {\"id\":2,\"text\":\"b\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([new Item(1, "a"), new Item(2, "b")], items);
    }

    [Fact]
    public async Task StreamAsync_EventWithEmptyData_IsUnknown()
    {
        await using TestServer server = await StartAsync("data:\n\nevent: heartbeat\ndata\n\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);
        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([false, false, true], events.Select(e => e.IsKnown));
        Assert.Equal(["message", "heartbeat", "message"], events.Select(e => e.EventType));
        Assert.True(events[0].Data.IsEmpty);
        Assert.True(events[1].Data.IsEmpty);
        Assert.Equal([new Item(1, "a")], items);
    }

    [Fact]
    public async Task StreamAsync_EventWithoutDataField_IsNotDispatchedAtAll()
    {
        await using TestServer server = await StartAsync("id: 9\n\n: no data here\n\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);

        StreamEvent<Item> only = Assert.Single(events);
        Assert.Equal("9", only.Id);
    }

    [Fact]
    public async Task StreamAsync_EventWithoutData_DoesNotLeakItsTypeIntoNextEvent()
    {
        // WHATWG dispatch step: a blank line ending an event with an empty data buffer resets the event type buffer.
        await using TestServer server = await StartAsync("event: ping\n\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);

        Assert.Equal("message", Assert.Single(events).EventType);
    }

    [Fact]
    public async Task StreamAsync_DataLessEventBeforeItem_TypedViewFilteredToMessageStillGetsItem()
    {
        // "event: keepalive" with no data, then an ordinary message: the message must not inherit "keepalive" and be skipped.
        await using TestServer server = await StartAsync("event: keepalive\n\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { EventTypes = ["message"] }));

        Assert.Equal([new Item(1, "a")], items);
    }

    [Fact]
    public async Task StreamAsync_UnknownEventWithInvalidJson_DoesNotFailTheTypedView()
    {
        await using TestServer server = await StartAsync("event: debug\ndata: {not json\n\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { EventTypes = ["message"] }));

        Assert.Equal([new Item(1, "a")], items);
    }

    [Fact]
    public async Task StreamAsync_EventsViewOfNdJson_ReportsMessageTypeAndRawLine()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body("application/x-ndjson", "{\"id\":1, \"text\":\"a\"}\r\n")));
        await using SdkClient client = StreamTestClient.Create(server);

        StreamEvent<Item> only = Assert.Single(await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events));

        Assert.Equal("message", only.EventType);
        Assert.Null(only.Id);
        Assert.Equal("{\"id\":1, \"text\":\"a\"}", Text(only.Data));
        Assert.Equal(new Item(1, "a"), only.Value);
    }

    private static Task<TestServer> StartAsync(string body) =>
        TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
