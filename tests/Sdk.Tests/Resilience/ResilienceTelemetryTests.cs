using System.Diagnostics;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// Retries and circuit changes as telemetry (src/Sdk/Diagnostics/SdkDiagnostics.cs): <c>sdk.retry</c> events on the
/// <c>sdk.call</c> activity, and the <c>sdk.client.retries</c> and <c>sdk.client.circuit.transitions</c> counters.
/// </summary>
public sealed class ResilienceTelemetryTests
{
    private static object? Tag(ActivityEvent e, string name) => e.Tags.FirstOrDefault(t => t.Key == name).Value;

    [Fact]
    public async Task SendAsync_Retried_CallActivityHasOneRetryEventPerRetry()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(2), ChaosReply.Status(429).WithRetryAfterMs(1500), ChaosReply.Ok());
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(2));
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromMilliseconds(1500));
        await call.WaitAsync(CoreAsync.Bound);

        Activity activity = Assert.Single(telemetry.Calls);
        Assert.Equal("GET", activity.GetTagItem("http.request.method"));
        Assert.Equal("r", activity.GetTagItem("sdk.request.path"));
        ActivityEvent[] retries = [.. activity.Events.Where(e => e.Name == "sdk.retry")];
        Assert.Equal(2, retries.Length);
        Assert.Equal(1, Convert.ToInt32(Tag(retries[0], "attempt"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2000d, Tag(retries[0], "delay_ms"));
        Assert.Equal("503 ServiceUnavailable", Tag(retries[0], "reason"));
        Assert.Equal(server.BaseAddress.AbsoluteUri, Tag(retries[0], "endpoint"));
        Assert.Equal(2, Convert.ToInt32(Tag(retries[1], "attempt"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1500d, Tag(retries[1], "delay_ms"));
        Assert.Equal("429 TooManyRequests", Tag(retries[1], "reason"));
    }

    [Fact]
    public async Task SendAsync_FailsOverToTheFallback_RecordsAFailoverEventAndCount()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer primary = await ChaosServer.StartAsync();
        await using ChaosServer fallback = await ChaosServer.StartAsync();
        primary.Unary("r", ChaosReply.Status(503));
        fallback.Unary("r", ChaosReply.Ok());
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(primary.BaseAddress, fallback.BaseAddress);
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(primary.BaseAddress, time, o => o.FallbackAddresses.Add(fallback.BaseAddress)));

        await time.WithoutBackoffAsync(client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item));

        ActivityEvent failover = Assert.Single(telemetry.Events("sdk.failover"));
        Assert.Equal(primary.BaseAddress.AbsoluteUri, Tag(failover, "from"));
        Assert.Equal(fallback.BaseAddress.AbsoluteUri, Tag(failover, "to"));
        Assert.Equal(2, Convert.ToInt32(Tag(failover, "attempt"), System.Globalization.CultureInfo.InvariantCulture));
        ChaosMeasurement counted = Assert.Single(telemetry.Measurements("sdk.client.failovers"));
        Assert.Equal(1, counted.Value);
        Assert.Equal(fallback.BaseAddress.AbsoluteUri, counted.Tag("endpoint"));
        Assert.Equal(primary.BaseAddress.AbsoluteUri, counted.Tag("from"));
    }

    [Fact]
    public async Task SendAsync_Retried_CountsEachRetryWithEndpointAndReason()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503), ChaosReply.Reset(), ChaosReply.Ok());
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.Zero);

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        IReadOnlyList<ChaosMeasurement> retries = telemetry.Measurements("sdk.client.retries");
        Assert.Equal(2, retries.Sum(m => m.Value));
        Assert.All(retries, m => Assert.Equal(server.BaseAddress.AbsoluteUri, m.Tag("endpoint")));
        Assert.Equal("503 ServiceUnavailable", retries[0].Tag("reason"));
        Assert.StartsWith("HttpRequestException", retries[1].Tag("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ResumedTwice_RecordsAResumeEventAndCountPerReconnect()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 9, DropEvery = 3 });
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time);

        List<int> ids = await StreamResumeSupport.ReadIdsAsync(client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item));

        Assert.Equal(StreamResumeSupport.Ids(9), ids);
        Assert.Equal(3, sse.Drops); // the third drop comes after event 9, before [DONE]
        ActivityEvent[] resumes = [.. Assert.Single(telemetry.Calls).Events.Where(e => e.Name == "sdk.stream.resume")];
        Assert.Equal(3, resumes.Length);
        Assert.Equal(["3", "6", "9"], resumes.Select(e => Tag(e, "last_event_id")));
        Assert.Equal([3, 6, 9], resumes.Select(e => Convert.ToInt32(Tag(e, "items_delivered"), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(resumes, e => Assert.Equal(1, Convert.ToInt32(Tag(e, "attempt"), System.Globalization.CultureInfo.InvariantCulture)));
        IReadOnlyList<ChaosMeasurement> counted = telemetry.Measurements("sdk.client.stream.resumes");
        Assert.Equal(3, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.Equal(server.BaseAddress.AbsoluteUri, m.Tag("endpoint")));
    }

    [Fact]
    public async Task SendAsync_NotRetried_RecordsNoRetry()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(404));
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time);

        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Empty(telemetry.Measurements("sdk.client.retries"));
        Assert.DoesNotContain(Assert.Single(telemetry.Calls).Events, e => e.Name == "sdk.retry");
    }

    [Fact]
    public async Task SendAsync_CircuitOpensProbesAndCloses_CountsEachTransition()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(503), ChaosReply.Status(503), ChaosReply.Ok());
        using ChaosTelemetry telemetry = ChaosTelemetry.Start(server.BaseAddress);
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
        });

        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        IReadOnlyList<ChaosMeasurement> transitions = telemetry.Measurements("sdk.client.circuit.transitions");
        Assert.Equal(["Open", "HalfOpen", "Closed"], transitions.Select(m => m.Tag("state")));
        Assert.All(transitions, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal(server.BaseAddress.AbsoluteUri, m.Tag("endpoint"));
        });
    }
}
