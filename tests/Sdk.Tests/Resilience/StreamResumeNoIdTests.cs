using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// A stream that broke after its first item and cannot be resumed (no SSE ids and no resume strategy, or resume turned off)
/// ends with <see cref="StreamInterruptedException"/> after what it delivered: never a silent gap, never a duplicate, and no
/// reconnect that would start the stream over.
/// </summary>
public sealed class StreamResumeNoIdTests
{
    [Fact]
    public async Task StreamAsync_NoIdsDroppedAfterFirstItem_ThrowsInterruptedWithoutReconnecting()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, DropEvery = 1, OmitIds = true });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        (List<int> ids, Exception? error) = await DrainIdsAsync(stream);

        StreamInterruptedException interrupted = Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, interrupted.Reason);
        Assert.Equal(1, interrupted.ItemsDelivered);
        Assert.Null(interrupted.LastEventId);
        Assert.Equal([1], ids);
        Assert.Equal(1, sse.Log.Count); // a reconnect without an id would start over and repeat event 1
        Assert.Equal(1, sse.Connections);
        Assert.Equal(0, stream.Resumes);
    }

    [Fact]
    public async Task StreamAsync_ResumeDisabledDroppedMidStream_ThrowsConnectionLostAfterTheDeliveredItems()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, DropEvery = 2 });
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Resume.Enabled = false);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        (List<int> ids, Exception? error) = await DrainIdsAsync(stream);

        StreamInterruptedException interrupted = Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, interrupted.Reason);
        Assert.Equal(2, interrupted.ItemsDelivered);
        Assert.Equal("2", interrupted.LastEventId);
        Assert.Equal([1, 2], ids);
        Assert.Equal(1, sse.Log.Count);
        Assert.Equal(0, stream.Resumes);
    }
}
