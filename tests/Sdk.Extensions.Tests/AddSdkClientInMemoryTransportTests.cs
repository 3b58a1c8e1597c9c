using Microsoft.Extensions.DependencyInjection;
using Sdk.Extensions.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Extensions.Tests;

/// <summary>
/// The <c>build</c> step of <c>AddSdkClient</c> swaps in an <see cref="InMemoryTransport"/>: how an application tests code that
/// takes an <see cref="SdkClient"/> from the container, without a network. docs/testing.md quotes these tests.
/// </summary>
public sealed class AddSdkClientInMemoryTransportTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StreamAsync_ScriptedSse_SkipsUnknownEventsAndStopsAtDone()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("""{"id":1,"text":"hello"}""", id: "1")
            .Event("{}", eventType: "ping")
            .Event("""{"id":2,"text":"world"}""", id: "2")
            .Done());
        await using ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        using var timeout = new CancellationTokenSource(Bound);
        var options = new StreamOptions { EventTypes = ["message"] };
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, options, timeout.Token);
        var texts = new List<string>();
        await foreach (Item item in stream)
        {
            texts.Add(item.Text);
        }

        Assert.Equal(["hello", "world"], texts);
        Assert.True(stream.SawTerminalSentinel);
        Assert.Equal("2", stream.LastEventId);
        RecordedRequest request = Assert.Single(transport.Requests);
        Assert.Equal("/v1/feed", request.Uri.AbsolutePath);
        Assert.Contains("text/event-stream", request.Headers["Accept"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_ScriptedSse_PassesUnknownEventsThroughRaw()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("""{"id":1,"text":"hello"}""")
            .Event("{}", eventType: "ping")
            .Done());
        await using ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        using var timeout = new CancellationTokenSource(Bound);
        var options = new StreamOptions { EventTypes = ["message"] };
        var seen = new List<string>();
        await foreach (StreamEvent<Item> e in client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, options, timeout.Token).Events)
        {
            seen.Add(e.IsKnown ? $"{e.EventType}: {e.Value!.Text}" : $"{e.EventType} (unknown, {e.Data.Length} bytes)");
        }

        Assert.Equal(["message: hello", "ping (unknown, 2 bytes)"], seen);
    }

    [Fact]
    public async Task StreamAsync_ScriptedDropAfterFirstEvent_ResumesWithLastEventIdAndDeliversEachItemOnce()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("""{"id":1,"text":"hello"}""", id: "evt-1")
            .Drop());
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("""{"id":1,"text":"hello"}""", id: "evt-1")
            .Event("""{"id":2,"text":"world"}""", id: "evt-2")
            .Done());
        await using ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        using var timeout = new CancellationTokenSource(Bound);
        var delivered = new List<int>();
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, cancellationToken: timeout.Token);
        await foreach (Item item in stream)
        {
            delivered.Add(item.Id);
        }

        Assert.Equal([1, 2], delivered);
        Assert.Equal(1, stream.Resumes);
        RecordedRequest[] requests = [.. transport.Requests];
        Assert.Equal(2, requests.Length);
        Assert.False(requests[0].Headers.ContainsKey("Last-Event-ID"));
        Assert.Equal("evt-1", requests[1].Headers["Last-Event-ID"]);
    }

    [Fact]
    public async Task StreamAsync_ScriptedDropAfterFirstEvent_WithResumeOff_ThrowsStreamInterruptedAfterDeliveringIt()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Sse()
            .Event("""{"id":1,"text":"hello"}""", id: "evt-1")
            .Drop());
        await using ServiceProvider provider = BuildProvider(transport, resume: false);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        using var timeout = new CancellationTokenSource(Bound);
        var delivered = new List<int>();
        StreamInterruptedException ex = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
        {
            await foreach (Item item in client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item, cancellationToken: timeout.Token))
            {
                delivered.Add(item.Id);
            }
        });

        Assert.Equal([1], delivered);
        Assert.Equal(StreamInterruptionReason.ConnectionLost, ex.Reason);
        Assert.Equal(1, ex.ItemsDelivered);
        Assert.Equal("evt-1", ex.LastEventId);
        Assert.Single(transport.Requests);
    }

    private static ServiceProvider BuildProvider(InMemoryTransport transport, bool resume = true)
    {
        var services = new ServiceCollection();
        services.AddSdkClient(
            (_, options) =>
            {
                options.BaseAddress = new Uri("https://api.example.test/v1/");
                options.Resume.Enabled = resume;
            },
            builder => builder.UseTransport(transport));
        return services.BuildServiceProvider();
    }
}
