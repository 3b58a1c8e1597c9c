using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>A top-level JSON array decoded element by element as it arrives.</summary>
public sealed class JsonArrayStreamTests
{
    private const string Tricky =
        "\uFEFF [ {\"id\":1,\"text\":\"] } , [ {\",\"nested\":{\"a\":[1,[2,{\"b\":\"]\"}]],\"c\":{}}} ,\n" +
        "  {\"id\":2,\"text\":\"quote \\\" and backslash \\\\ and \\u005D\",\"list\":[[],[[]],{}]},{\"id\":3,\"text\":\"\"} ]";

    [Fact]
    public async Task StreamAsync_JsonArray_FirstElementReachesCallerBeforeServerSendsSecond()
    {
        TaskCompletionSource firstReceived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, "application/json");
            await StreamServer.WriteAsync(context, "[{\"id\":1,\"text\":\"a\"}");
            await firstReceived.Task.WaitAsync(context.RequestAborted);
            await StreamServer.WriteAsync(context, ",{\"id\":2,\"text\":\"b\"}]");
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(new Item(1, "a"), items.Current);
        Assert.Equal(StreamFormat.JsonArray, result.Format);
        firstReceived.SetResult();
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(new Item(2, "b"), items.Current);
        Assert.False(await StreamCollect.NextAsync(items));
    }

    [Theory]
    [InlineData("one-write")]
    [InlineData("server-trickle")]
    [InlineData("client-one-byte-reads")]
    public async Task StreamAsync_JsonArrayWithNestedStructuresAndBracketsInStrings_ElementsExact(string delivery)
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, "application/json; charset=utf-8");
            byte[] body = StreamServer.Utf8(Tricky);
            await (delivery == "server-trickle" ? StreamServer.TrickleAsync(context, body) : StreamServer.WriteAsync(context, body));
        }));
        await using SdkClient client = StreamTestClient.Create(server, oneByteReads: delivery == "client-one-byte-reads");

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).Events);

        Assert.Equal(
            [new Item(1, "] } , [ {"), new Item(2, "quote \" and backslash \\ and ]"), new Item(3, "")],
            events.Select(e => e.Value));
        Assert.Equal("{\"id\":1,\"text\":\"] } , [ {\",\"nested\":{\"a\":[1,[2,{\"b\":\"]\"}]],\"c\":{}}}", Text(events[0].Data));
        Assert.Equal("{\"id\":3,\"text\":\"\"}", Text(events[2].Data));
        Assert.All(events, e => Assert.Equal("message", e.EventType));
    }

    [Fact]
    public async Task StreamAsync_JsonArrayOfStrings_DecodesPrimitiveElements()
    {
        await using TestServer server = await StartAsync("application/json", "[\"a\", \"b]\" ,\"\",\"[DONE]x\"]");
        await using SdkClient client = StreamTestClient.Create(server);

        List<string> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), StreamTestJson.Default.String));

        Assert.Equal(["a", "b]", "", "[DONE]x"], items);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData(" [ \r\n ] ")]
    [InlineData("\uFEFF[]")]
    public async Task StreamAsync_EmptyJsonArray_EndsWithoutItems(string body)
    {
        await using TestServer server = await StartAsync("application/json", body);
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Empty(items);
        Assert.Equal(0, result.ItemCount);
    }

    [Theory]
    [InlineData("[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"te", 1)]
    [InlineData("[{\"id\":1,\"text\":\"a\"}", 1)]
    [InlineData("[{\"id\":1,\"text\":\"a\"},", 1)]
    [InlineData("[", 0)]
    public async Task StreamAsync_TruncatedJsonArray_ThrowsTruncatedBodyAfterCompleteElements(string body, int complete)
    {
        await using TestServer server = await StartAsync("application/json", body);
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, StreamInterruptedException error) = await StreamCollect.UntilAsync<Item, StreamInterruptedException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(complete, items.Count);
        Assert.Equal(StreamInterruptionReason.TruncatedBody, error.Reason);
        Assert.Equal(complete, error.ItemsDelivered);
    }

    [Theory]
    [InlineData("{\"data\":[{\"id\":1,\"text\":\"a\"}]}")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public async Task StreamAsync_JsonBodyNotAnArray_ThrowsInvalidJson(string body)
    {
        await using TestServer server = await StartAsync("application/json", body);
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Empty(items);
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(0, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_MalformedJsonBetweenElements_ThrowsInvalidJsonAfterEarlierItems()
    {
        await using TestServer server = await StartAsync("application/json", "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"} {\"id\":3}]");
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/event-stream")]
    public async Task StreamAsync_FormatForcedToJsonArray_IgnoresContentType(string contentType)
    {
        await using TestServer server = await StartAsync(contentType, "[{\"id\":1,\"text\":\"a\"}]");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item, new StreamOptions { Format = StreamFormat.JsonArray });

        List<Item> items = await StreamCollect.AllAsync(result);

        Assert.Single(items);
        Assert.Equal(StreamFormat.JsonArray, result.Format);
    }

    [Theory]
    [InlineData("application/problem+json")]
    [InlineData("application/vnd.api+json")]
    public async Task StreamAsync_JsonSuffixContentType_DecodedAsJsonArray(string contentType)
    {
        await using TestServer server = await StartAsync(contentType, "[{\"id\":1,\"text\":\"a\"}]");
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Single(items);
    }

    private static Task<TestServer> StartAsync(string contentType, string body) =>
        TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(contentType, body)));

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
