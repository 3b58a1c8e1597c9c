using System.Net.WebSockets;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// <c>ws/seq?from=0&amp;count=10&amp;killAfter=K&amp;intervalMs=0&amp;end=close</c>: sends <c>{"seq":i,"text":"message i"}</c>
/// for i = from+1 .. count (count is the last sequence number, not a number of messages). After K sent messages on the
/// connection it aborts the TCP connection without a close frame, so a client that reconnects with
/// <c>from=&lt;last seq seen&gt;</c> continues without loss. After the last message, <c>end=close</c> (default) closes with
/// 1000 "done", <c>end=open</c> keeps reading until the client closes, <c>end=abort</c> aborts.
/// <c>ws/seq-msg</c> is the same, but the cursor comes from the client's first text message <c>{"from":N}</c> (within 10 s).
/// </summary>
public static class KestrelWsSeq
{
    private static readonly TimeSpan FirstMessageTimeout = TimeSpan.FromSeconds(10);

    public static Task FromQueryAsync(WsEndpointContext ws)
    {
        ws.StartReading();
        return StreamAsync(ws, ws.QueryLong("from", 0));
    }

    public static async Task FromFirstMessageAsync(WsEndpointContext ws)
    {
        var first = StreamServer.Signal<long>();
        ws.StartReading((type, payload) =>
        {
            if (type == WebSocketMessageType.Text && !first.Task.IsCompleted)
            {
                using JsonDocument document = JsonDocument.Parse(payload);
                first.TrySetResult(document.RootElement.TryGetProperty("from", out JsonElement from) ? from.GetInt64() : 0);
            }

            return Task.CompletedTask;
        });
        Task ended = ws.ReadingDone;
        Task winner = await Task.WhenAny(first.Task, ended).WaitAsync(FirstMessageTimeout, ws.Token);
        if (winner != first.Task)
        {
            return;
        }

        await StreamAsync(ws, await first.Task);
    }

    private static async Task StreamAsync(WsEndpointContext ws, long from)
    {
        long last = ws.QueryLong("count", 10);
        int intervalMs = ws.QueryInt("intervalMs", 0);
        for (long i = from + 1; i <= last; i++)
        {
            long seq = i;
            await ws.SendJsonAsync(w =>
            {
                w.WriteNumber("seq", seq);
                w.WriteString("text", $"message {seq}");
            });
            if (intervalMs > 0 && i < last)
            {
                await Task.Delay(intervalMs, ws.Token);
            }
        }

        switch (ws.Query("end"))
        {
            case "open":
                await ws.ReadingDone;
                break;
            case "abort":
                ws.Kill();
                break;
            default:
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done");
                break;
        }
    }
}
