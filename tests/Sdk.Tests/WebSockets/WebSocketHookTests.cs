using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Plugins;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

public sealed class WebSocketHookTests
{
    [Fact]
    public async Task Stream_event_hooks_see_each_message_raw_and_typed_and_can_drop_or_replace_it()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        var seen = new List<string>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .OnStreamEvent((context, _) =>
            {
                var message = (WsMessage)context.Item!;
                seen.Add($"{context.EventType} {context.EventId} {Encoding.UTF8.GetString(context.Data.Span)} #{context.Index}");
                if (message.Seq == 2)
                {
                    context.Drop();
                }
                else if (message.Seq == 3)
                {
                    context.ReplaceItem(message with { Text = "replaced" });
                }

                return ValueTask.CompletedTask;
            })
            .Build();
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { SequenceOf = m => m.Seq };
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/seq?count=4", options, cts.Token);

        List<WsMessage> delivered = await WsTestClient.ReadToEndAsync(session, cts.Token);

        Assert.Equal([1L, 3L, 4L], delivered.Select(m => m.Seq!.Value));
        Assert.Equal("replaced", delivered[1].Text);
        Assert.Equal(4, seen.Count);
        Assert.Equal("text 1 {\"seq\":1,\"text\":\"message 1\"} #0", seen[0]);
        Assert.EndsWith("#3", seen[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_and_the_handshake_sent_again_once()
    {
        var presented = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using KestrelWsServer server = await KestrelWsServer.StartAsync(app => app.Map("/ws/auth", async (HttpContext context) =>
        {
            presented.Enqueue(context.Request.Headers.Authorization.ToString());
            if (context.Request.Headers.Authorization != "Bearer token-2")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync("{\"seq\":1}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None);
        }));
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        int issued = 0;
        var credential = ApiCredential.FromTokenProvider(_ =>
            new ValueTask<AccessToken>(new AccessToken($"token-{Interlocked.Increment(ref issued)}", DateTimeOffset.UtcNow.AddHours(1))));
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o => o.Credential = credential);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/auth", cancellationToken: cts.Token);

        Assert.Equal(1, Assert.Single(await WsTestClient.ReadToEndAsync(session, cts.Token)).Seq);
        Assert.Equal(2, issued);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], presented);
    }

    [Fact]
    public async Task Every_reconnect_handshake_runs_the_attempt_hooks_and_the_error_hook_sees_a_final_failure()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        int attempts = 0;
        var errors = new List<Exception>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
            .OnRequest((context, _) =>
            {
                Interlocked.Increment(ref attempts);
                context.Headers.Set("X-Attempt", context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return ValueTask.CompletedTask;
            }, HookScope.Attempt)
            .OnError((context, _) =>
            {
                errors.Add(context.Exception);
                return ValueTask.CompletedTask;
            })
            .Build();
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws/seq?count=9&killAfterList=3,3", new WebSocketSessionOptions<WsMessage, WsMessage> { SequenceOf = m => m.Seq }, cts.Token);

        List<WsMessage> messages = await WsTestClient.ReadToEndAsync(session, cts.Token);
        Assert.Equal(WsTestClient.Range(1, 9), messages.Select(m => m.Seq!.Value));
        Assert.Equal(session.Reconnects + 1, attempts);
        Assert.All(server.Handshakes, h => Assert.Equal("1", h.Header("X-Attempt")));
        Assert.Empty(errors);

        await Assert.ThrowsAsync<ApiException>(() => WsTestClient.ConnectAsync(client, "ws/status?code=404", cancellationToken: cts.Token));
        Assert.IsType<ApiException>(Assert.Single(errors));
    }

    [Fact]
    public async Task Meter_counts_connects_reconnects_messages_bytes_and_queue_depth()
    {
        await using KestrelWsServer server = await KestrelWsServer.StartAsync();
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        var totals = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        WebSocketSession<WsMessage, WsMessage>? session = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Sdk" && instrument.Name.StartsWith("sdk.websocket.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };

        // Other tests run in parallel and use the same meter: count only what this test's server endpoint path produces,
        // by keeping the measurements of this test's async flow.
        var flow = new AsyncLocal<bool> { Value = true };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (flow.Value)
            {
                string key = instrument.Name;
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key == "direction")
                    {
                        key += "." + tag.Value;
                    }
                }

                totals.AddOrUpdate(key, value, (_, v) => v + value);
            }
        });
        listener.Start();

        // Replay: message 3 may be written to the killed socket before the break is seen; it is sent again on the new one.
        var options = new WebSocketSessionOptions<WsMessage, WsMessage> { SequenceOf = m => m.Seq, Acknowledges = (received, sent) => received.Seq == sent.Seq };
        session = await WsTestClient.ConnectAsync(client, "ws/echo?killAfterList=2", options, cts.Token);
        await using WebSocketSession<WsMessage, WsMessage> owned = session;
        await session.SendAsync(new WsMessage(Seq: 1), cts.Token);
        await session.SendAsync(new WsMessage(Seq: 2), cts.Token);
        Assert.Equal(2, (await WsTestClient.ReadAsync(session, 2, cts.Token)).Count);
        await session.SendAsync(new WsMessage(Seq: 3), cts.Token); // the socket was killed after 2: a reconnect, then the echo
        Assert.Equal(3, (await session.ReceiveAsync(cts.Token)).Seq);

        Assert.True(totals.GetValueOrDefault("sdk.websocket.connects") >= 2, string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("sdk.websocket.reconnects") >= 1, string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("sdk.websocket.messages.in") >= 3, string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("sdk.websocket.messages.out") >= 3, string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("sdk.websocket.bytes.in") >= 3 * "{\"seq\":1}".Length, string.Join(", ", totals));
        Assert.Equal(0, totals.GetValueOrDefault("sdk.websocket.send_queue.depth")); // every +1 was matched by a -1
    }
}
