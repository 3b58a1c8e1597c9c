using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>The terminal sentinel: the default <c>[DONE]</c>, a custom one, none, and a required one.</summary>
public sealed class StreamSentinelTests
{
    private const string Two = "id: 1\ndata: {\"id\":1,\"text\":\"a\"}\n\nid: 2\ndata: {\"id\":2,\"text\":\"b\"}\n\n";

    [Fact]
    public async Task StreamAsync_DoneSentinel_EndsStreamWhileServerKeepsConnectionOpen()
    {
        TaskCompletionSource clientLeft = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            // Garbage after the sentinel in the same write, then the server keeps the response open.
            await StreamServer.WriteAsync(context, Two + "data: [DONE]\n\ndata: {not json\n\n");
            await StreamServer.WaitForAbortAsync(context);
            clientLeft.TrySetResult();
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.True(result.SawTerminalSentinel);
        Assert.Equal("2", result.LastEventId);
        await clientLeft.Task.WaitAsync(StreamCollect.Limit); // the client closed the response instead of reading on
    }

    [Fact]
    public async Task StreamAsync_DoneSentinel_IsNotAnEventOfTheEventsView()
    {
        await using TestServer server = await StartAsync(Two + "data: [DONE]\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal(2, events.Count);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_DoneSentinelOfAnotherEventType_StillEndsTheStream()
    {
        await using TestServer server = await StartAsync(Two + "event: done\ndata: [DONE]\n\n" + Two);
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { EventTypes = ["message"] });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal(2, items.Count);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_NoSentinel_EndsCleanlyAtEof()
    {
        await using TestServer server = await StartAsync(Two);
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal(2, items.Count);
        Assert.False(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_CustomSentinelPerCall_EndsTheStream()
    {
        await using TestServer server = await StartAsync(Two + "data: <<END>>\n\ndata: {not json\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { TerminalSentinel = "<<END>>" });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal(2, items.Count);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_CustomSentinelPerClient_ReplacesDone()
    {
        // With "<<END>>" configured, "[DONE]" is ordinary data (here of an event type the call skips).
        await using TestServer server = await StartAsync("event: x\ndata: [DONE]\n\n" + Two + "data: <<END>>\n\n");
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.TerminalSentinel = "<<END>>");
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { EventTypes = ["message"] });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal(2, items.Count);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_SentinelDisabledWithEmptyString_DoneIsOrdinaryData()
    {
        await using TestServer server = await StartAsync(Two + "event: x\ndata: [DONE]\n\n" + "data: {\"id\":3,\"text\":\"c\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        var options = new StreamOptions { TerminalSentinel = "", EventTypes = ["message"] };
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, options);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal(4, events.Count);
        Assert.Equal("[DONE]", System.Text.Encoding.UTF8.GetString(events[2].Data.Span));
        Assert.False(events[2].IsKnown);
        Assert.Equal(new Item(3, "c"), events[3].Value);
        Assert.False(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_SentinelDisabled_DoneOfAKnownTypeIsInvalidJson()
    {
        await using TestServer server = await StartAsync(Two + "data: [DONE]\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { TerminalSentinel = "" });

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(result);

        Assert.Equal(2, items.Count);
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_RequiredSentinelMissing_ThrowsEndedBeforeSentinelAfterTheItems()
    {
        await using TestServer server = await StartAsync(Two);
        await using SdkClient client = StreamTestClient.Create(server, o => o.Resume.Enabled = false); // one connection: resuming has its own tests
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { RequireTerminalSentinel = true });

        (List<Item> items, StreamInterruptedException error) = await StreamCollect.UntilAsync<Item, StreamInterruptedException>(result);

        Assert.Equal(2, items.Count);
        Assert.Equal(StreamInterruptionReason.EndedBeforeSentinel, error.Reason);
        Assert.Equal(2, error.ItemsDelivered);
        Assert.Equal("2", error.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_RequiredSentinelPerClient_MissingThrowsEndedBeforeSentinel()
    {
        await using TestServer server = await StartAsync(Two);
        await using SdkClient client = StreamTestClient.Create(server, o => { o.Streaming.RequireTerminalSentinel = true; o.Resume.Enabled = false; }); // one connection: resuming has its own tests

        (List<Item> items, StreamInterruptedException error) = await StreamCollect.UntilAsync<Item, StreamInterruptedException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(2, items.Count);
        Assert.Equal(StreamInterruptionReason.EndedBeforeSentinel, error.Reason);
    }

    [Fact]
    public async Task StreamAsync_RequiredSentinelPresent_EndsCleanly()
    {
        await using TestServer server = await StartAsync(Two + "data: [DONE]\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { RequireTerminalSentinel = true });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal(2, items.Count);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_RequiredSentinelButSentinelDisabled_ThrowsArgumentException()
    {
        await using TestServer server = await StartAsync(Two);
        await using SdkClient client = StreamTestClient.Create(server);

        Assert.Throws<ArgumentException>(() => client.StreamAsync(
            ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { RequireTerminalSentinel = true, TerminalSentinel = "" }));
    }

    [Fact]
    public async Task StreamAsync_ClientRequiresSentinelButCallDisablesIt_ThrowsArgumentException()
    {
        // The contradiction is refused up front for a per-call RequireTerminalSentinel; a client-wide one must be checked
        // the same way, or every stream of this call fails at its end with EndedBeforeSentinel although nothing went wrong.
        await using TestServer server = await StartAsync(Two);
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.RequireTerminalSentinel = true);

        Assert.Throws<ArgumentException>(() => client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { TerminalSentinel = "" }));
    }

    private static Task<TestServer> StartAsync(string body) =>
        TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));
}
