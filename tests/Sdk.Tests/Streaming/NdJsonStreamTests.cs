using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>Newline-delimited JSON streams: content types, line endings, blank lines, the last line, the sentinel, a forced format.</summary>
public sealed class NdJsonStreamTests
{
    [Theory]
    [InlineData("application/x-ndjson")]
    [InlineData("application/jsonl")]
    [InlineData("application/ndjson")]
    [InlineData("application/x-jsonlines")]
    [InlineData("application/jsonl; charset=utf-8")]
    [InlineData("Application/X-NDJSON")]
    public async Task StreamAsync_NdJsonContentType_DecodesEachLine(string contentType)
    {
        await using TestServer server = await StartAsync(contentType, "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"b\"}\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal([new Item(1, "a"), new Item(2, "b")], items);
        Assert.Equal(StreamFormat.NdJson, result.Format);
        Assert.Null(result.LastEventId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamAsync_NdJsonCrLfBlankLinesAndLastLineWithoutNewline_AllItemsDecoded(bool trickle)
    {
        const string body = "\r\n{\"id\":1,\"text\":\"a\"}\r\n\r\n\n  \t \r\n{\"id\":2,\"text\":\"b\"}\n\n  {\"id\":3,\"text\":\"c\"}  \r\n{\"id\":4,\"text\":\"d\"}";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, "application/x-ndjson");
            byte[] bytes = StreamServer.Utf8(body);
            await (trickle ? StreamServer.TrickleAsync(context, bytes) : StreamServer.WriteAsync(context, bytes));
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 2, 3, 4], items.Select(i => i.Id));
    }

    [Fact]
    public async Task StreamAsync_NdJsonReadOneByteAtATime_AllItemsDecoded()
    {
        await using TestServer server = await StartAsync("application/x-ndjson", "{\"id\":1,\"text\":\"a\"}\r\n{\"id\":2,\"text\":\"b\"}\r\n{\"id\":3,\"text\":\"c\"}");
        await using SdkClient client = StreamTestClient.Create(server, oneByteReads: true);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 2, 3], items.Select(i => i.Id));
    }

    [Fact]
    public async Task StreamAsync_NdJsonDoneLine_EndsTheStream()
    {
        await using TestServer server = await StartAsync("application/x-ndjson", "{\"id\":1,\"text\":\"a\"}\n[DONE]\n{not json\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Single(items);
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_NdJsonBrokenLine_ThrowsInvalidJsonWithIndexAfterEarlierItems()
    {
        await using TestServer server = await StartAsync("application/x-ndjson", "{\"id\":1,\"text\":\"a\"}\n\n{\"id\":2,\"text\":\"b\"}\n{\"id\":3,\"te\n{\"id\":4,\"text\":\"d\"}\n");
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(2, error.EventIndex); // blank lines are not events
    }

    [Fact]
    public async Task StreamAsync_NdJsonRequiredSentinelMissing_ThrowsEndedBeforeSentinel()
    {
        await using TestServer server = await StartAsync("application/x-ndjson", "{\"id\":1,\"text\":\"a\"}\n");
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, StreamInterruptedException error) = await StreamCollect.UntilAsync<Item, StreamInterruptedException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { RequireTerminalSentinel = true }));

        Assert.Single(items);
        Assert.Equal(StreamInterruptionReason.EndedBeforeSentinel, error.Reason);
        Assert.Equal(1, error.ItemsDelivered);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData("text/event-stream")]
    public async Task StreamAsync_FormatForcedToNdJson_IgnoresContentType(string contentType)
    {
        await using TestServer server = await StartAsync(contentType, "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"b\"}\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { Format = StreamFormat.NdJson });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(StreamFormat.NdJson, result.Format);
    }

    [Fact]
    public async Task StreamAsync_FormatForcedToSse_DecodesSseFromPlainText()
    {
        await using TestServer server = await StartAsync("text/plain", "data: {\"id\":1,\"text\":\"a\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { Format = StreamFormat.ServerSentEvents });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Single(items);
        Assert.Equal(StreamFormat.ServerSentEvents, result.Format);
    }

    [Fact]
    public async Task StreamAsync_UndefinedFormatValue_ThrowsArgumentException()
    {
        await using TestServer server = await StartAsync("application/x-ndjson", "");
        await using SdkClient client = StreamTestClient.Create(server);

        Assert.Throws<ArgumentException>(() => client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { Format = (StreamFormat)42 }));
    }

    private static Task<TestServer> StartAsync(string contentType, string body) =>
        TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(contentType, body)));
}
