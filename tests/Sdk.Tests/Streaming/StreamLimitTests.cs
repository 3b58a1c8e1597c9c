using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>
/// Streaming.MaxLineBytes and MaxEventBytes for SSE, NDJSON and JSON arrays: an oversized line or event ends the stream with
/// <see cref="InvalidResponseException"/>, and the items before it stay delivered.
/// </summary>
public sealed class StreamLimitTests
{
    private const string SseItems = "data: {\"id\":1,\"text\":\"a\"}\n\ndata: {\"id\":2,\"text\":\"b\"}\n\n";
    private const string NdJsonItems = "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"b\"}\n";

    [Fact]
    public async Task StreamAsync_SseLineOverMaxLineBytes_ThrowsLineTooLong_ItemsBeforeKept()
    {
        string longLine = $"data: {{\"id\":3,\"text\":\"{new string('x', 4000)}\"}}\n\n";
        InvalidResponseException error = await ItemsThenErrorAsync(StreamServer.Sse, SseItems, longLine, o => o.MaxLineBytes = 1024);

        Assert.Equal(InvalidResponseReason.LineTooLong, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_SseLineOverLimitInSameReadAsEarlierEvents_EarlierEventsStillDelivered()
    {
        // Everything in one write: the two small events arrive in the same socket read as the start of the oversized line.
        string body = SseItems + $"data: {{\"id\":3,\"text\":\"{new string('x', 4000)}\"}}\n\n";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.MaxLineBytes = 256);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(InvalidResponseReason.LineTooLong, error.Reason);
        Assert.Equal([1, 2], items.Select(i => i.Id));
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public async Task StreamAsync_SseLineAtAndJustOverMaxLineBytes_OnlyOverFails(int lineLength, bool fails)
    {
        string prefix = "data: {\"id\":1,\"text\":\"";
        string suffix = "\"}";
        string line = prefix + new string('x', lineLength - prefix.Length - suffix.Length) + suffix;
        Assert.Equal(lineLength, line.Length);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, line + "\n\n")));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.MaxLineBytes = 100);

        (List<Item> items, Exception? error) = await StreamCollect.UntilErrorAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        if (fails)
        {
            Assert.Equal(InvalidResponseReason.LineTooLong, Assert.IsType<InvalidResponseException>(error).Reason);
            Assert.Empty(items);
        }
        else
        {
            Assert.Null(error);
            Assert.Single(items);
        }
    }

    [Fact]
    public async Task StreamAsync_SseManyLinesOverMaxEventBytes_ThrowsEventTooLarge_ItemsBeforeKept()
    {
        string dataLine = $"data: {new string('y', 200)}\n";
        string bigEvent = string.Concat(Enumerable.Repeat(dataLine, 30)) + "\n";
        InvalidResponseException error = await ItemsThenErrorAsync(StreamServer.Sse, SseItems, bigEvent, o =>
        {
            o.MaxLineBytes = 1024;
            o.MaxEventBytes = 4096;
        });

        Assert.Equal(InvalidResponseReason.EventTooLarge, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_SseCommentLines_DoNotCountTowardsMaxEventBytes()
    {
        string comment = $": {new string('c', 500)}\n";
        string comments = string.Concat(Enumerable.Repeat(comment, 40)); // 20 KB of comments, five times the event limit
        string body = comments + "data: {\"id\":1,\n" + comments + "data: \"text\":\"a\"}\n" + comments + "\n" + comments + SseItems;
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));
        await using SdkClient client = StreamTestClient.Create(server, o =>
        {
            o.Streaming.MaxLineBytes = 1024;
            o.Streaming.MaxEventBytes = 4096;
        });

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 1, 2], items.Select(i => i.Id));
    }

    [Fact]
    public async Task StreamAsync_SseCommentLineOverMaxLineBytes_ThrowsLineTooLong()
    {
        InvalidResponseException error = await ItemsThenErrorAsync(StreamServer.Sse, SseItems, $": {new string('c', 2000)}\n", o => o.MaxLineBytes = 1024);

        Assert.Equal(InvalidResponseReason.LineTooLong, error.Reason);
    }

    [Fact]
    public async Task StreamAsync_SseManyEventsEachUnderMaxEventBytes_AllDelivered()
    {
        // The event limit is per event: a blank line starts the count again.
        string oneEvent = $"data: {{\"id\":7,\"text\":\"{new string('z', 700)}\"}}\n" + $": {new string('c', 700)}\n" + "\n";
        string body = string.Concat(Enumerable.Repeat(oneEvent, 50));
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body(StreamServer.Sse, body)));
        await using SdkClient client = StreamTestClient.Create(server, o =>
        {
            o.Streaming.MaxLineBytes = 1024;
            o.Streaming.MaxEventBytes = 1024;
        });

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(50, items.Count);
    }

    [Fact]
    public async Task StreamAsync_NdJsonUnterminatedLineOverMaxLineBytes_ThrowsLineTooLong_ItemsBeforeKept()
    {
        string longLine = $"{{\"id\":3,\"text\":\"{new string('x', 40_000)}";
        InvalidResponseException error = await ItemsThenErrorAsync("application/x-ndjson", NdJsonItems, longLine, o => o.MaxLineBytes = 1024);

        Assert.Equal(InvalidResponseReason.LineTooLong, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_NdJsonTerminatedLineOverMaxLineBytes_ThrowsLineTooLong()
    {
        // The oversized line (4x the limit) arrives whole, with its newline, in the same read as the items before it: it must
        // still be refused, not decoded.
        string body = NdJsonItems + $"{{\"id\":3,\"text\":\"{new string('x', 1000)}\"}}\n" + "{\"id\":4,\"text\":\"d\"}\n";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body("application/x-ndjson", body)));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.MaxLineBytes = 256);

        (List<Item> items, Exception? error) = await StreamCollect.UntilErrorAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.LineTooLong, Assert.IsType<InvalidResponseException>(error).Reason);
    }

    [Fact]
    public async Task StreamAsync_JsonArrayElementOverMaxEventBytes_ThrowsEventTooLarge_ItemsBeforeKept()
    {
        string bigElement = $",{{\"id\":3,\"text\":\"{new string('x', 10_000)}\"}},{{\"id\":4,\"text\":\"d\"}}]";
        InvalidResponseException error = await ItemsThenErrorAsync(
            "application/json",
            "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}",
            bigElement,
            o => o.MaxEventBytes = 4096);

        Assert.Equal(InvalidResponseReason.EventTooLarge, error.Reason);
        Assert.Equal(2, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_JsonArrayUnfinishedElementOverMaxEventBytes_ThrowsEventTooLarge()
    {
        string unfinished = $",{{\"id\":3,\"text\":\"{new string('x', 100_000)}";
        InvalidResponseException error = await ItemsThenErrorAsync(
            "application/json",
            "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}",
            unfinished,
            o => o.MaxEventBytes = 4096);

        Assert.Equal(InvalidResponseReason.EventTooLarge, error.Reason);
    }

    [Fact]
    public async Task StreamAsync_JsonArrayOneElementInOneWrite_SameLimitApplies()
    {
        string body = $"[{{\"id\":1,\"text\":\"a\"}},{{\"id\":2,\"text\":\"{new string('x', 5000)}\"}}]";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", StreamServer.Body("application/json", body)));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.MaxEventBytes = 1024);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal([1], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.EventTooLarge, error.Reason);
        Assert.Equal(1, error.EventIndex);
    }

    /// <summary>
    /// The server sends <paramref name="first"/> (two items), waits until the client has both, then sends <paramref name="bad"/>;
    /// the next <c>MoveNextAsync</c> must throw. Returns that exception.
    /// </summary>
    private static async Task<InvalidResponseException> ItemsThenErrorAsync(string contentType, string first, string bad, Action<StreamingOptions> limits)
    {
        TaskCompletionSource twoReceived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, contentType);
            await StreamServer.WriteAsync(context, first);
            await twoReceived.Task.WaitAsync(context.RequestAborted);
            await StreamServer.WriteAsync(context, bad);
            await StreamServer.WaitForAbortAsync(context); // never ends the body: only the limit can end the stream
        }));
        await using SdkClient client = StreamTestClient.Create(server, o => limits(o.Streaming));
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(1, items.Current.Id);
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(2, items.Current.Id);
        twoReceived.SetResult();

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(() => StreamCollect.NextAsync(items));
        Assert.Equal(2, result.ItemCount);
        Assert.False(await StreamCollect.NextAsync(items)); // the stream is over after the error
        return error;
    }
}
