using System.Net.WebSockets;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// <c>ws/subs?count=10&amp;intervalMs=0&amp;ack=0</c>: a multiplexing endpoint. The client sends
/// <c>{"op":"sub","key":"k1","from":N}</c> (<c>from</c> optional, default 0) and <c>{"op":"unsub","key":"k1"}</c>; for each
/// subscribed key the server sends <c>{"key":"k1","seq":i}</c> for i = from+1 .. count. A repeated sub restarts the key
/// from its <c>from</c>. Once an unsub is recorded in <see cref="WsSubsState.Ops"/> no more messages of that key follow.
/// With <c>ack=1</c> the server first answers <c>{"op":"subscribed","key":"k1"}</c> / <c>{"op":"unsubscribed","key":"k1"}</c>.
/// </summary>
public static class KestrelWsSubs
{
    public static async Task RunAsync(WsEndpointContext ws, WsSubsState state)
    {
        int connection = ws.ConnectionIndex;
        var keys = new Dictionary<string, (CancellationTokenSource Stop, Task Loop)>(StringComparer.Ordinal);
        state.OnOpened(connection);
        try
        {
            ws.StartReading(async (type, payload) =>
            {
                if (type != WebSocketMessageType.Text)
                {
                    return;
                }

                (string op, string key, long? from) = Parse(payload);
                if (op is not ("sub" or "unsub"))
                {
                    return;
                }

                await StopAsync(keys, key);
                if (ws.Query("ack") == "1")
                {
                    await ws.SendJsonAsync(w =>
                    {
                        w.WriteString("op", op == "sub" ? "subscribed" : "unsubscribed");
                        w.WriteString("key", key);
                    });
                }

                state.OnOp(new WsSubOp(connection, op, key, from));
                if (op == "sub")
                {
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(ws.Token);
                    keys[key] = (stop, SendKeyAsync(ws, key, from ?? 0, stop.Token));
                }
            });
            await ws.ReadingDone;
        }
        finally
        {
            foreach (string key in keys.Keys.ToList())
            {
                await StopAsync(keys, key);
            }

            state.OnClosed(connection);
        }
    }

    private static async Task StopAsync(Dictionary<string, (CancellationTokenSource Stop, Task Loop)> keys, string key)
    {
        if (keys.Remove(key, out (CancellationTokenSource Stop, Task Loop) running))
        {
            await running.Stop.CancelAsync();
            await running.Loop;
            running.Stop.Dispose();
        }
    }

    private static async Task SendKeyAsync(WsEndpointContext ws, string key, long from, CancellationToken stop)
    {
        await Task.Yield();
        long count = ws.QueryLong("count", 10);
        int intervalMs = ws.QueryInt("intervalMs", 0);
        try
        {
            for (long i = from + 1; i <= count && !stop.IsCancellationRequested; i++)
            {
                long seq = i;
                await ws.SendJsonAsync(w =>
                {
                    w.WriteString("key", key);
                    w.WriteNumber("seq", seq);
                });
                if (intervalMs > 0)
                {
                    await Task.Delay(intervalMs, stop);
                }
            }
        }
        catch (Exception)
        {
            // Unsubscribed, killed, or the connection went away.
        }
    }

    private static (string Op, string Key, long? From) Parse(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            string op = root.TryGetProperty("op", out JsonElement o) ? o.GetString() ?? "" : "";
            string key = root.TryGetProperty("key", out JsonElement k) ? k.GetString() ?? "" : "";
            long? from = root.TryGetProperty("from", out JsonElement f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : null;
            return (op, key, from);
        }
        catch (JsonException)
        {
            return ("", "", null);
        }
    }
}
