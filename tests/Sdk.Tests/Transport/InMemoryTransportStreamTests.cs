using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Transport;

/// <summary>
/// InMemoryTransport body scripts: SSE and NDJSON events, delays on a manual clock, drops and stalls, for streams and
/// unary calls.
/// </summary>
public sealed class InMemoryTransportStreamTests
{
    private static SdkClient Client(InMemoryTransport transport, ManualTimeProvider? time = null, Action<ClientOptions>? configure = null)
    {
        // One script per stream: retries and resumes (covered by the resilience tests) would consume the queue.
        var options = new ClientOptions { BaseAddress = new Uri("https://api.example.com/v1/"), TimeProvider = time ?? new ManualTimeProvider(), Retry = { MaxRetries = 0 }, Resume = { Enabled = false } };
        configure?.Invoke(options);
        return SdkClient.CreateBuilder(options).UseTransport(transport).Build();
    }

    [Fact]
    public async Task StreamAsync_SseWithDelay_SecondItemArrivesOnlyAfterAdvance()
    {
        var time = new ManualTimeProvider();
        var transport = new InMemoryTransport(time);
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("{\"id\":1,\"text\":\"a\"}", id: "e1")
            .Delay(TimeSpan.FromSeconds(2))
            .Event("{\"id\":2,\"text\":\"b\"}", eventType: "message", id: "e2")
            .Done());
        await using SdkClient client = Client(transport, time);

        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = stream.GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));
        Assert.Equal(1, items.Current.Id);

        Task<bool> next = items.MoveNextAsync().AsTask();
        await time.WaitForAsync(t => t.ActiveTimers >= 2);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(await next.WaitAsync(CoreAsync.Bound));
        Assert.Equal(2, items.Current.Id);
        Assert.False(await items.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));
        Assert.True(stream.SawTerminalSentinel);
        Assert.Equal("e2", stream.LastEventId);
        Assert.Equal("text/event-stream", Assert.Single(transport.Requests).Headers["Accept"].Split(',')[0]);
    }

    [Fact]
    public async Task StreamAsync_NdJsonScript_DeliversLines()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.NdJson().Line("{\"id\":1,\"text\":\"a\"}").Line("{\"id\":2,\"text\":\"b\"}"));
        await using SdkClient client = Client(transport);

        List<Item> items = await client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2], items.Select(i => i.Id));
    }

    [Fact]
    public async Task StreamAsync_DropAfterFirstEvent_ThrowsStreamInterruptedKeepingDeliveredItem()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse().Event("{\"id\":1,\"text\":\"a\"}", id: "7").Drop());
        await using SdkClient client = Client(transport);

        (List<Item> items, Exception? error) = await client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Equal([1], items.Select(i => i.Id));
        StreamInterruptedException interrupted = Assert.IsType<StreamInterruptedException>(error);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, interrupted.Reason);
        Assert.Equal(1, interrupted.ItemsDelivered);
        Assert.Equal("7", interrupted.LastEventId);
    }

    [Fact]
    public async Task SendAsync_DropInUnaryBody_ThrowsTransportException()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,").Drop());
        await using SdkClient client = Client(transport);

        TransportException error = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.IsType<IOException>(error.InnerException);
    }

    [Fact]
    public async Task StreamAsync_StallAfterFirstEvent_ThrowsIdleTimeoutWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        var transport = new InMemoryTransport(time);
        transport.Enqueue(ScriptedResponse.Sse().Event("{\"id\":1,\"text\":\"a\"}").Stall());
        await using SdkClient client = Client(transport, time, o => o.Timeouts.Idle = TimeSpan.FromSeconds(5));

        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item).GetAsyncEnumerator();
        Assert.True(await items.MoveNextAsync().AsTask().WaitAsync(CoreAsync.Bound));
        Task<bool> next = items.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => next.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Idle, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
    }

    [Fact]
    public async Task SendAsync_StallInUnaryBody_ThrowsTotalTimeout()
    {
        var time = new ManualTimeProvider();
        var transport = new InMemoryTransport(time);
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,").Stall());
        await using SdkClient client = Client(transport, time, o =>
        {
            o.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
            o.Timeouts.Total = TimeSpan.FromMinutes(2);
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item);
        time.Advance(TimeSpan.FromMinutes(2));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
    }

    [Fact]
    public async Task ScriptedResponse_EventWithMultilineData_WritesOneDataLinePerLine()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse().Retry(1500).Event("{\"id\":1,\n\"text\":\"a\"}", eventType: "update", id: "9").Done());
        await using SdkClient client = Client(transport);

        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("stream"), TestJson.Default.Item);
        List<StreamEvent<Item>> events = await stream.Events.ToListBoundedAsync();

        StreamEvent<Item> only = Assert.Single(events);
        Assert.Equal("{\"id\":1,\n\"text\":\"a\"}", System.Text.Encoding.UTF8.GetString(only.Data.Span));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), stream.ReconnectionInterval);
    }
}
