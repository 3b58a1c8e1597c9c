using System.Net;
using System.Text;
using Sdk.Plugins;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins;

/// <summary>What hooks can do to a call: set headers, answer it (a cache), replace a response, drop or replace stream items.</summary>
public sealed class HookBehaviourTests
{
    private static SdkClientBuilder Builder(ChaosServer server, ManualTimeProvider time) =>
        SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o => o.Retry.BaseDelay = TimeSpan.Zero));

    [Fact]
    public async Task OnRequest_CallHookSetsAHeader_EveryAttemptCarriesIt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time)
            .OnRequest(static (c, _) =>
            {
                c.Headers.Set("X-Tenant", "a");
                return ValueTask.CompletedTask;
            })
            .Build();

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, script.Log.Count);
        Assert.All(script.Log.Requests, r => Assert.Equal("a", r.Header("X-Tenant")));
    }

    [Fact]
    public async Task OnRequest_AttemptHookSeesItsAttemptAndEndpoint_AndSetsAHeaderOnThatAttemptOnly()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        var seen = new List<(int, Uri?, HookScope)>();
        await using SdkClient client = Builder(server, time)
            .OnRequest(
                (c, _) =>
                {
                    seen.Add((c.Attempt, c.Endpoint, c.Scope));
                    if (c.Attempt == 2)
                    {
                        c.Headers.Set("X-Second", "yes");
                    }

                    return ValueTask.CompletedTask;
                },
                HookScope.Attempt)
            .Build();

        await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal([(1, server.BaseAddress, HookScope.Attempt), (2, server.BaseAddress, HookScope.Attempt)], seen);
        Assert.Null(script.Log[1].Header("X-Second"));
        Assert.Equal("yes", script.Log[2].Header("X-Second"));
    }

    [Fact]
    public async Task OnRequest_CallHookResponds_NothingIsSentAndTheCallerGetsTheAnswer()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Ok());
        await using SdkClient client = Builder(server, time)
            .OnRequest(static (c, _) =>
            {
                c.Respond(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"id":42,"text":"cached"}""", Encoding.UTF8, "application/json"),
                });
                return ValueTask.CompletedTask;
            })
            .Build();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(42, response.Value.Id);
        Assert.Equal("cached", response.Value.Text);
        Assert.Equal(0, script.Log.Count);
    }

    [Fact]
    public async Task OnResponse_ReplacesA503_TheCallSucceedsWithoutARetry()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503), ChaosReply.Ok());
        await using SdkClient client = Builder(server, time)
            .OnResponse(static (c, _) =>
            {
                if (c.Response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    c.Replace(new HttpResponseMessage(HttpStatusCode.OK)
                    {
                        Content = new StringContent("""{"id":7,"text":"fallback"}""", Encoding.UTF8, "application/json"),
                    });
                }

                return ValueTask.CompletedTask;
            })
            .Build();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(7, response.Value.Id);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task OnStreamEvent_DropsAndReplacesItems_TheCallerSeesTheResult()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("events", new ChaosSse { Events = 5 });
        var raw = new List<string>();
        await using SdkClient client = Builder(server, time)
            .OnStreamEvent((c, _) =>
            {
                raw.Add($"{c.Index}:{c.EventType}:{c.EventId}:{Encoding.UTF8.GetString(c.Data.Span)}");
                var item = (Item)c.Item!;
                if (item.Id == 2)
                {
                    c.Drop();
                }
                else if (item.Id == 4)
                {
                    c.ReplaceItem(item with { Text = "redacted" });
                }

                return ValueTask.CompletedTask;
            })
            .Build();

        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);
        var items = new List<Item>();
        await foreach (Item item in stream.WithCancellation(new CancellationTokenSource(CoreAsync.Bound).Token))
        {
            items.Add(item);
        }

        Assert.Equal([1, 3, 4, 5], items.Select(i => i.Id));
        Assert.Equal("redacted", items[2].Text);
        Assert.Equal("event 5", items[3].Text);
        Assert.Equal(5, raw.Count);
        Assert.Equal("""0:message:1:{"id":1,"text":"event 1"}""", raw[0]);
        Assert.Equal("""4:message:5:{"id":5,"text":"event 5"}""", raw[4]);
        Assert.Equal("5", stream.LastEventId);
    }

    [Fact]
    public async Task OnStreamEvent_ReplaceItemWithTheWrongType_IsAFailureOfThatHook()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("events", new ChaosSse { Events = 2 });
        await using SdkClient client = Builder(server, time)
            .OnStreamEvent(static (c, _) =>
            {
                c.ReplaceItem("not an item");
                return ValueTask.CompletedTask;
            })
            .Build();

        PluginException error = await Assert.ThrowsAsync<PluginException>(async () =>
        {
            await foreach (Item item in client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).WithCancellation(new CancellationTokenSource(CoreAsync.Bound).Token))
            {
            }
        });

        Assert.Equal(HookKind.StreamEvent, error.Hook);
        Assert.Equal("hook-1", error.PluginId);
        Assert.IsType<ArgumentException>(error.InnerException);
    }
}
