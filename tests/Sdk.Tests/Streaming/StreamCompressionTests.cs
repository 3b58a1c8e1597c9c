using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>Compressed stream bodies: decoded as they arrive, item by item, and refused when the encoding is unknown.</summary>
public sealed class StreamCompressionTests
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task StreamAsync_CompressedSse_FirstItemArrivesBeforeServerSendsSecond(string encoding)
    {
        TaskCompletionSource firstReceived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = encoding;
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await using Stream compressed = Compress(context.Response.Body, encoding);
            await WriteFlushedAsync(compressed, context, "id: 1\ndata: {\"id\":1,\"text\":\"a\"}\n\n");
            await firstReceived.Task.WaitAsync(context.RequestAborted);
            await WriteFlushedAsync(compressed, context, "id: 2\ndata: {\"id\":2,\"text\":\"b\"}\n\ndata: [DONE]\n\n");
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(1, items.Current.Id);
        firstReceived.SetResult();
        Assert.True(await StreamCollect.NextAsync(items));
        Assert.Equal(2, items.Current.Id);
        Assert.False(await StreamCollect.NextAsync(items));
        Assert.True(result.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_GzipNdJson_DecodesEveryLine()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentType = "application/x-ndjson";
            await using Stream compressed = Compress(context.Response.Body, "gzip");
            for (int i = 1; i <= 100; i++)
            {
                await compressed.WriteAsync(StreamServer.Utf8($"{{\"id\":{i},\"text\":\"{new string('t', i)}\"}}\n"));
            }
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        List<Item> items = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(Enumerable.Range(1, 100), items.Select(i => i.Id));
        Assert.Equal(100, items[^1].Text.Length);
    }

    [Fact]
    public async Task StreamAsync_UnknownContentEncoding_ThrowsInvalidResponse()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "zstd";
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            await StreamServer.WriteAsync(context, "not really zstd");
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Empty(items);
        Assert.Contains("zstd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_CorruptGzipBody_ThrowsSdkExceptionAfterEarlierItems()
    {
        // A valid gzip start carrying one event, then garbage: the item delivered before the corruption stays delivered and
        // the failure is typed, not a raw InvalidDataException from the decompressor.
        TaskCompletionSource firstReceived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            Stream compressed = Compress(context.Response.Body, "gzip");
            await WriteFlushedAsync(compressed, context, "data: {\"id\":1,\"text\":\"a\"}\n\n");
            await firstReceived.Task.WaitAsync(context.RequestAborted);
            await StreamServer.WriteAsync(context, new byte[] { 0xFF, 0xFE, 0xFD, 0xFC, 0x00, 0x01, 0x02, 0x03 });
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        firstReceived.SetResult();
        Exception? error = await Record.ExceptionAsync(() => StreamCollect.NextAsync(items));

        Assert.True(error is SdkException, $"Expected an SdkException, got: {error}");
    }

    internal static Stream Compress(Stream body, string encoding) => encoding switch
    {
        "gzip" => new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true),
        "br" => new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true),
        _ => new ZLibStream(body, CompressionLevel.Fastest, leaveOpen: true),
    };

    private static async Task WriteFlushedAsync(Stream compressed, HttpContext context, string text)
    {
        await compressed.WriteAsync(StreamServer.Utf8(text), context.RequestAborted);
        await compressed.FlushAsync(context.RequestAborted); // a sync flush: everything written so far can be decompressed
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
