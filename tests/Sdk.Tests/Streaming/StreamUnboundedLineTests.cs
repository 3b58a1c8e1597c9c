using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>Runs alone: these tests measure the process's allocations, which tests running beside them would distort.</summary>
[CollectionDefinition(nameof(StreamMemoryCollection), DisableParallelization = true)]
public sealed class StreamMemoryCollection;

/// <summary>
/// A server that sends one line that never ends (256 MiB and counting): the client stops at its limit with a typed error,
/// allocates a bounded amount of memory, and closes the connection so the server's writes fail long before 256 MiB.
/// </summary>
[Collection(nameof(StreamMemoryCollection))]
public sealed class StreamUnboundedLineTests
{
    private const long Huge = 256L * 1024 * 1024;
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("text/event-stream", "data: {\"id\":1,\"text\":\"", InvalidResponseReason.LineTooLong)]
    [InlineData("application/x-ndjson", "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"", InvalidResponseReason.LineTooLong)]
    [InlineData("application/json", "[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"", InvalidResponseReason.EventTooLarge)]
    public async Task StreamAsync_Unterminated256MiBLine_FailsWithBoundedMemoryAndStopsTheServer(string contentType, string prefix, InvalidResponseReason reason)
    {
        TaskCompletionSource<long> serverStopped = StreamServer.Signal<long>();
        await using TestServer server = await StartEndlessLineAsync(contentType, prefix, serverStopped);
        // The default 4 MiB line limit; the JSON array element limit lowered from 16 MiB to the same 4 MiB.
        await using SdkClient client = StreamTestClient.Create(server, o => o.Streaming.MaxEventBytes = 4 * (int)MiB);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long written = await serverStopped.Task.WaitAsync(StreamCollect.Limit);

        Assert.Equal(reason, error.Reason);
        Assert.Equal(contentType == StreamServer.Sse ? 0 : 1, items.Count);
        Assert.True(allocated < 32 * MiB, $"The call allocated {allocated / MiB} MiB.");
        Assert.True(written < 64 * MiB, $"The server wrote {written / MiB} MiB before its writes failed.");
    }

    [Fact]
    public async Task StreamAsync_GzipBombLine_LimitCountsDecompressedBytesWithBoundedMemory()
    {
        // 256 MiB of one SSE line compresses to a few hundred KiB: the line limit must apply to what it expands to.
        TaskCompletionSource<long> serverStopped = StreamServer.Signal<long>();
        await using TestServer server = await StartEndlessLineAsync(StreamServer.Sse, "data: ", serverStopped, gzip: true);
        await using SdkClient client = StreamTestClient.Create(server);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        (_, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long written = await serverStopped.Task.WaitAsync(StreamCollect.Limit);

        Assert.Equal(InvalidResponseReason.LineTooLong, error.Reason);
        Assert.True(allocated < 32 * MiB, $"The call allocated {allocated / MiB} MiB.");
        // 'x' compresses about 1000:1, so TCP never holds the server back: how far it gets is only the race between its
        // compressor and the client's abort, which a loaded machine can slow down. What is promised is that the server is
        // stopped before the end of its 256 MiB (the connection was released), and the memory bound above.
        Assert.True(written < Huge, $"The server compressed all {written / MiB} MiB: the client never released the connection.");
    }

    /// <summary>
    /// An endpoint that writes <paramref name="prefix"/> and then 'x' bytes up to 256 MiB (gzip-compressed when asked),
    /// reporting how much it wrote before a write failed.
    /// </summary>
    private static Task<TestServer> StartEndlessLineAsync(string contentType, string prefix, TaskCompletionSource<long> stopped, bool gzip = false) =>
        TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            byte[] chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            long written = 0;
            Stream body = context.Response.Body;
            try
            {
                if (gzip)
                {
                    context.Response.Headers.ContentEncoding = "gzip";
                    body = StreamCompressionTests.Compress(body, "gzip");
                }

                await StreamServer.SendHeadersAsync(context, contentType);
                await body.WriteAsync(StreamServer.Utf8(prefix), context.RequestAborted);
                // Once the connection is gone Kestrel completes writes at once without sending them, and signals RequestAborted
                // from the thread pool; yielding after each write lets that signal through, so "written" counts real writes.
                while (written < Huge && !context.RequestAborted.IsCancellationRequested)
                {
                    await body.WriteAsync(chunk, context.RequestAborted);
                    await body.FlushAsync(context.RequestAborted);
                    written += chunk.Length;
                    await Task.Yield();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client went away: what matters is how far the server got.
            }
            finally
            {
                stopped.TrySetResult(written);
                if (gzip)
                {
                    await DisposeQuietlyAsync(body);
                }
            }
        }));

    private static async Task DisposeQuietlyAsync(Stream compressor)
    {
        try
        {
            await compressor.DisposeAsync(); // writes the gzip trailer, which fails once the client is gone
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Nothing to do: the client went away.
        }
    }
}
