using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// A stream whose request fails before its headers is retried like any call (the resume of a stream that broke after its
/// first item has its own tests). Against the chaos server's SSE endpoint, whose prelude answers the first requests.
/// </summary>
public sealed class StreamRetryTests
{
    private static async Task<List<int>> ReadAllAsync(StreamResult<Item> stream)
    {
        var ids = new List<int>();
        await foreach (Item item in stream)
        {
            ids.Add(item.Id);
        }

        return ids;
    }

    [Fact]
    public async Task StreamAsync_503WithRetryAfterBeforeHeaders_WaitsThenStreamsEveryEvent()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 3, Prelude = [ChaosReply.Status(503).WithRetryAfter(1)] });
        await using SdkClient client = ChaosClient.Create(server, time);

        Task<List<int>> read = ReadAllAsync(client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item));
        await sse.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(sse.Log, TimeSpan.FromSeconds(1));

        Assert.Equal([1, 2, 3], await read.WaitAsync(CoreAsync.Bound));
        Assert.Equal(2, sse.Log.Count);
        Assert.Equal("1", sse.Log[2].Header("x-retry-count"));
        Assert.Equal(1, sse.Connections);
    }

    [Fact]
    public async Task StreamAsync_ResetBeforeHeaders_IsRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 2, Prelude = [ChaosReply.Reset(), ChaosReply.Reset()] });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.Zero);

        List<int> ids = await ReadAllAsync(client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item)).WaitAsync(CoreAsync.Bound);

        Assert.Equal([1, 2], ids);
        Assert.Equal(3, sse.Log.Count);
    }

    [Fact]
    public async Task StreamAsync_StallBeforeHeaders_AttemptTimeoutThenRetried()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 2, Prelude = [ChaosReply.Stall()] });
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Timeouts.Attempt = TimeSpan.FromSeconds(5);
        });

        Task<List<int>> read = ReadAllAsync(client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item));
        await sse.Log.WaitForAsync(1);
        time.Advance(TimeSpan.FromSeconds(5) - ChaosClock.Margin);
        Assert.Equal(1, sse.Log.Count);
        time.Advance(ChaosClock.Margin);

        Assert.Equal([1, 2], await read.WaitAsync(CoreAsync.Bound));
        Assert.Equal(2, sse.Log.Count);
    }

    [Fact]
    public async Task StreamAsync_PostRetriedBeforeHeaders_SendsTheSameIdempotencyKeyAndBody()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("chat", new ChaosSse { Events = 1, Prelude = [ChaosReply.Status(502)] });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.Zero);
        ApiRequest request = ApiRequest.Post("chat", new EchoRequest("hi", 1), TestJson.Default.EchoRequest);

        await ReadAllAsync(client.StreamAsync(request, TestJson.Default.Item)).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, sse.Log.Count);
        Assert.NotNull(sse.Log[1].Header("Idempotency-Key"));
        Assert.Equal(sse.Log[1].Header("Idempotency-Key"), sse.Log[2].Header("Idempotency-Key"));
        Assert.Equal(sse.Log[1].Body, sse.Log[2].Body);
    }

    [Fact]
    public async Task StreamAsync_NonRetryableStatus_ThrowsApiExceptionAfterOneRequest()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 2, Prelude = [ChaosReply.Status(401)] });
        await using SdkClient client = ChaosClient.Create(server, time);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => ReadAllAsync(client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item)).WaitAsync(CoreAsync.Bound));

        Assert.Equal(401, (int)error.StatusCode);
        Assert.Equal(1, sse.Log.Count);
    }
}
