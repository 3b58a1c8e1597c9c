using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>Many streams cancelled at once leave no connection behind and do not disturb the client.</summary>
public sealed class StreamCancellationLoadTests
{
    private const int Streams = 200;
    private const int EventsEach = 3;

    [Fact]
    public async Task StreamAsync_200ConcurrentStreamsCanceledMidStream_ConnectionsReturnToBaselineAndClientStillWorks()
    {
        int requests = 0;
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/endless", async (HttpContext context) =>
            {
                Interlocked.Increment(ref requests);
                try
                {
                    await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
                    for (int i = 1; ; i++)
                    {
                        await StreamServer.WriteAsync(context, $"id: {i}\ndata: {{\"id\":{i},\"text\":\"tick\"}}\n\n");
                        if (i >= EventsEach)
                        {
                            // An endless feed, paced like a live one once the first events are out.
                            await Task.Delay(TimeSpan.FromMilliseconds(50), context.RequestAborted);
                        }
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    // The client went away.
                }
            });
            app.MapGet("/finite", StreamServer.Body(StreamServer.Sse, "data: {\"id\":1,\"text\":\"a\"}\n\ndata: [DONE]\n\n"));
            app.MapGet("/item", () => Results.Json(new Item(42, "ok"), TestJson.Default.Item));
        });
        int baseline = server.OpenConnections;
        await using SdkClient client = StreamTestClient.Create(server);

        Task<(int Received, Exception? Error)>[] runs = [.. Enumerable.Range(0, Streams).Select(_ => Task.Run(() => RunOneAsync(client)))];
        (int Received, Exception? Error)[] results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r =>
        {
            Assert.Equal(EventsEach, r.Received); // cancellation is checked per item, even when more are buffered
            Assert.IsAssignableFrom<OperationCanceledException>(r.Error);
            Assert.IsNotAssignableFrom<SdkException>(r.Error);
        });
        Assert.Equal(Streams, Volatile.Read(ref requests));
        await server.WaitForConnectionsAsync(open => open <= baseline, TimeSpan.FromSeconds(30));

        List<Item> finite = await StreamCollect.AllAsync(client.StreamAsync(ApiRequest.Get("finite"), TestJson.Default.Item));
        ApiResponse<Item> unary = await client.SendAsync(ApiRequest.Get("item"), TestJson.Default.Item).WaitAsync(StreamCollect.Limit);
        Assert.Single(finite);
        Assert.Equal(42, unary.Value.Id);
    }

    /// <summary>Reads <see cref="EventsEach"/> events, cancels, and returns what it got and how the stream ended.</summary>
    private static async Task<(int Received, Exception? Error)> RunOneAsync(SdkClient client)
    {
        using var cts = new CancellationTokenSource();
        int received = 0;
        try
        {
            await foreach (Item item in client.StreamAsync(ApiRequest.Get("endless"), TestJson.Default.Item, cancellationToken: cts.Token))
            {
                if (++received == EventsEach)
                {
                    await cts.CancelAsync();
                }
            }

            return (received, null);
        }
        catch (Exception ex)
        {
            return (received, ex);
        }
    }
}
