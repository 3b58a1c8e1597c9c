using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// The endpoints of <see cref="KestrelWsServer"/>. On every WebSocket endpoint: <c>killAfter=K</c> aborts the TCP
/// connection (no close frame) after K sent messages, <c>killAfterList=5,7,3</c> does so per successive connection to
/// the path (then falls back to <c>killAfter</c>), <c>protocol=NAME|none</c> picks the answered subprotocol (default: the
/// first one asked for), <c>pingMs=N</c> turns on server pings, <c>deflate=1</c> accepts permessage-deflate.
/// </summary>
public static class KestrelWsEndpoints
{
    public static void Map(WebApplication app, KestrelWsServer server)
    {
        app.Map("/ws/echo", context => server.RunAsync(context, EchoAsync));
        app.Map("/ws/seq", context => server.RunAsync(context, KestrelWsSeq.FromQueryAsync));
        app.Map("/ws/seq-msg", context => server.RunAsync(context, KestrelWsSeq.FromFirstMessageAsync));
        app.Map("/ws/close", context => server.RunAsync(context, CloseAsync));
        app.Map("/ws/silent", context => server.RunAsync(context, SilentAsync));
        app.Map("/ws/big", context => server.RunAsync(context, BigAsync));
        app.Map("/ws/flood", context => server.RunAsync(context, FloodAsync));
        app.Map("/ws/subs", context => server.RunAsync(context, ws => KestrelWsSubs.RunAsync(ws, server.Subs)));
        app.Map("/ws/status", context => StatusAsync(context, server));
        app.Map("/ws/flaky", context => FlakyAsync(context, server));
    }

    /// <summary><c>ws/echo</c>: sends every whole message back with its type; answers a client close with the same status and reason.</summary>
    public static Task EchoAsync(WsEndpointContext ws)
    {
        ws.StartReading((type, payload) => ws.SendAsync(payload, type));
        return ws.ReadingDone;
    }

    /// <summary><c>ws/close?code=1000&amp;reason=bye&amp;after=0</c>: sends <c>after</c> messages <c>{"seq":i}</c>, then closes with the code and reason.</summary>
    public static async Task CloseAsync(WsEndpointContext ws)
    {
        ws.StartReading();
        int after = ws.QueryInt("after", 0);
        for (int i = 1; i <= after; i++)
        {
            await ws.SendJsonAsync(w => w.WriteNumber("seq", i));
        }

        var code = (WebSocketCloseStatus)ws.QueryInt("code", 1000);
        await ws.CloseAsync(code, ws.Query("reason") ?? "bye");
    }

    /// <summary><c>ws/silent</c>: never reads nor writes (so pings go unanswered) until the client goes away or the server stops.</summary>
    public static async Task SilentAsync(WsEndpointContext ws)
    {
        var done = StreamServer.Signal();
        await using CancellationTokenRegistration registration = ws.Token.Register(() => done.TrySetResult());
        await done.Task;
    }

    /// <summary><c>ws/big?bytes=65536</c>: one text message of exactly <c>bytes</c> bytes (<c>{"data":"xxx…"}</c>, at least 11), then reads until the client closes.</summary>
    public static async Task BigAsync(WsEndpointContext ws)
    {
        ws.StartReading();
        await ws.SendAsync(BigJson(ws.QueryInt("bytes", 65536)));
        await ws.ReadingDone;
    }

    /// <summary>A JSON text <c>{"data":"xxx…"}</c> of exactly <paramref name="bytes"/> UTF-8 bytes (at least 11).</summary>
    public static byte[] BigJson(int bytes) =>
        Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', Math.Max(0, bytes - 11)) + "\"}");

    /// <summary><c>ws/flood?count=1000</c>: sends <c>count</c> messages <c>{"seq":i}</c> as fast as the client takes them, then closes with 1000 "done".</summary>
    public static async Task FloodAsync(WsEndpointContext ws)
    {
        ws.StartReading();
        int count = ws.QueryInt("count", 1000);
        for (int i = 1; i <= count; i++)
        {
            await ws.SendJsonAsync(w => w.WriteNumber("seq", i));
        }

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done");
    }

    /// <summary>
    /// <c>ws/status?code=503&amp;retryAfter=0</c>: refuses the handshake with HTTP <c>code</c>; a 503 carries
    /// <c>Retry-After: 0</c> unless <c>retryAfter</c> says otherwise (any code gets <c>retryAfter</c> when given).
    /// </summary>
    public static Task StatusAsync(HttpContext context, KestrelWsServer server)
    {
        server.Record(context);
        Refuse(context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>ws/flaky?fail=2&amp;code=503</c>: the first <c>fail</c> requests to this path are refused like <c>ws/status</c>;
    /// later ones are accepted and echo.
    /// </summary>
    public static Task FlakyAsync(HttpContext context, KestrelWsServer server)
    {
        int fail = int.TryParse(context.Request.Query["fail"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 1;
        if (server.Path("ws/flaky").Requests < fail)
        {
            server.Record(context);
            Refuse(context);
            return Task.CompletedTask;
        }

        return server.RunAsync(context, EchoAsync);
    }

    private static void Refuse(HttpContext context)
    {
        int code = int.TryParse(context.Request.Query["code"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : 503;
        context.Response.StatusCode = code;
        string? retryAfter = context.Request.Query["retryAfter"];
        if (!string.IsNullOrEmpty(retryAfter))
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        else if (code == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "0";
        }
    }
}
