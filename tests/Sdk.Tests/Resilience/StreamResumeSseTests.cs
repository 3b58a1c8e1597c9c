using System.Globalization;
using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// An SSE stream with ids that breaks after its first item is resumed with <c>Last-Event-ID</c>: the caller sees every
/// event once, in order. Against the chaos server's SSE endpoint; no resume here waits (no <c>retry:</c> field, and the
/// first reconnect after a break does not back off), so the manual clock never moves.
/// </summary>
public sealed class StreamResumeSseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public async Task StreamAsync_DroppedEveryKEvents_DeliversEveryEventOnceInOrderResumingAfterTheLastDelivered(int dropEvery)
    {
        const int Events = 200;
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = Events, DropEvery = dropEvery });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<int> ids = await ReadIdsAsync(stream);

        Assert.Equal(Ids(Events), ids);
        int drops = Events / dropEvery;
        Assert.Equal(drops, sse.Drops);
        Assert.Equal(drops, stream.Resumes);
        Assert.Equal("200", stream.LastEventId);
        Assert.True(stream.SawTerminalSentinel);
        IReadOnlyList<ChaosRequest> requests = sse.Log.Requests;
        Assert.Equal(drops + 1, requests.Count);
        Assert.Null(requests[0].Header("Last-Event-ID"));
        for (int n = 1; n < requests.Count; n++)
        {
            // Each resume names the last event delivered before its break.
            Assert.Equal((n * dropEvery).ToString(CultureInfo.InvariantCulture), requests[n].Header("Last-Event-ID"));
        }
    }

    [Fact]
    public async Task StreamAsync_ResumeAnsweredWith204_EndsCleanlyKeepingWhatWasDelivered()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 10, DropEvery = 3, NoContentOnResume = true });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<int> ids = await ReadIdsAsync(stream); // no exception: 204 means "nothing more"

        Assert.Equal([1, 2, 3], ids);
        Assert.Equal(2, sse.Log.Count);
        Assert.Equal("3", sse.Log[2].Header("Last-Event-ID"));
        Assert.Equal(1, stream.Resumes);
        Assert.Equal(3, stream.ItemCount);
        Assert.Equal("3", stream.LastEventId);
        Assert.False(stream.SawTerminalSentinel);
    }

    [Fact]
    public async Task StreamAsync_ServerReplaysEventsAfterResume_NoneIsDeliveredTwice()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();

        // Every resume starts 3 events before the one asked for: 3 of the 5 events of each connection after the first are repeats.
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 20, DropEvery = 5, ReplayOnResume = 3 });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<int> ids = await ReadIdsAsync(stream);

        Assert.Equal(Ids(20), ids);
        Assert.Equal(8, stream.Resumes);
        Assert.Equal(20 + (3 * stream.Resumes), sse.EventsWritten); // each resume was sent 3 events the caller already had
        Assert.Equal(sse.Drops, stream.Resumes);
        Assert.Equal("5", sse.Log[2].Header("Last-Event-ID"));
        Assert.Equal("7", sse.Log[3].Header("Last-Event-ID")); // 3, 4, 5 dropped as repeats, 6 and 7 delivered
    }

    [Fact]
    public async Task StreamAsync_GarbageAfterThreeEvents_ThrowsInvalidResponseAfterTheThreeWithoutResuming()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 10, GarbageAfter = 3 });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        (List<int> ids, Exception? error) = await DrainIdsAsync(stream);

        // Bad input is the server's answer, not a broken connection: reconnecting would read the same garbage again.
        InvalidResponseException invalid = Assert.IsType<InvalidResponseException>(error);
        Assert.Equal(InvalidResponseReason.InvalidJson, invalid.Reason);
        Assert.Equal(3, invalid.EventIndex);
        Assert.Equal([1, 2, 3], ids);
        Assert.Equal(1, sse.Log.Count);
        Assert.Equal(0, stream.Resumes);
        Assert.Equal(0, client.GetEndpointHealth()[0].Failures); // a response we could not use counts neither way
    }
}
