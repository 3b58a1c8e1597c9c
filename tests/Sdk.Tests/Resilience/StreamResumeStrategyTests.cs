using System.Globalization;
using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Resilience.StreamResumeSupport;

namespace Sdk.Tests.Resilience;

/// <summary>
/// A stream without SSE ids resumes with a <see cref="StreamResumeStrategy{T}"/>: a cursor taken from the last delivered
/// item (<c>?after=k</c>), with the item key dropping what the server sends again. Against the chaos server's SSE endpoint
/// without ids, reading its cursor from the query.
/// </summary>
public sealed class StreamResumeStrategyTests
{
    private static StreamOptions Cursor(Func<Item, ApiRequest?>? next = null) => new()
    {
        Resume = new StreamResumeStrategy<Item>(
            (last, _) => next is null ? ApiRequest.Get("feed").WithQuery("after", last.Id.ToString(CultureInfo.InvariantCulture)) : next(last),
            static item => item.Id.ToString(CultureInfo.InvariantCulture)),
    };

    [Fact]
    public async Task StreamAsync_CursorStrategyAfterDrops_ContinuesAfterTheLastItemAndDropsRepeats()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();

        // Each continuation starts 2 items before the cursor: the item key must recognise them.
        ChaosSse sse = server.Sse("feed", new ChaosSse { Events = 11, DropEvery = 4, OmitIds = true, CursorParameter = "after", ReplayOnResume = 2 });
        await using SdkClient client = ChaosClient.Create(server, time);
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, Cursor());

        List<int> ids = await ReadIdsAsync(stream);

        Assert.Equal(Ids(11), ids);
        IReadOnlyList<ChaosRequest> requests = sse.Log.Requests;
        Assert.Equal(["", "?after=4", "?after=6", "?after=8", "?after=10"], requests.Select(static r => r.Query));
        Assert.All(requests, static r => Assert.Null(r.Header("Last-Event-ID")));
        Assert.Equal(4, stream.Resumes);
        Assert.Equal(sse.Drops, stream.Resumes);
        Assert.Null(stream.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_StrategySetsTheCursorOnTheOriginal_GetsAFreshCopyEachTimeAndLeavesTheCallersRequestAlone()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("feed", new ChaosSse { Events = 7, DropEvery = 3, OmitIds = true, CursorParameter = "after" });
        await using SdkClient client = ChaosClient.Create(server, time);
        ApiRequest request = ApiRequest.Get("feed").WithQuery("limit", "50");
        var options = new StreamOptions
        {
            Resume = new StreamResumeStrategy<Item>((last, original) => original.SetQuery("after", last.Id.ToString(CultureInfo.InvariantCulture))),
        };

        List<int> ids = await ReadIdsAsync(client.StreamAsync(request, TestJson.Default.Item, options));

        Assert.Equal(Ids(7), ids);
        Assert.Equal(["?limit=50", "?limit=50&after=3", "?limit=50&after=6"], sse.Log.Requests.Select(static r => r.Query));
        Assert.Equal([new KeyValuePair<string, string>("limit", "50")], request.Query);
    }

    [Fact]
    public async Task StreamAsync_StrategyReturnsNull_ThrowsInterruptedAfterTheDeliveredItems()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("feed", new ChaosSse { Events = 10, DropEvery = 3, OmitIds = true, CursorParameter = "after" });
        await using SdkClient client = ChaosClient.Create(server, time);
        var asked = new List<int>();
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, Cursor(last =>
        {
            asked.Add(last.Id);
            return null;
        }));

        (List<int> ids, Exception? error) = await DrainIdsAsync(stream);

        StreamInterruptedException interrupted = Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, interrupted.Reason);
        Assert.Equal(3, interrupted.ItemsDelivered);
        Assert.Null(interrupted.LastEventId);
        Assert.Equal([1, 2, 3], ids);
        Assert.Equal([3], asked); // asked once, with the last delivered item
        Assert.Equal(1, sse.Log.Count);
        Assert.Equal(0, stream.Resumes);
    }
}
