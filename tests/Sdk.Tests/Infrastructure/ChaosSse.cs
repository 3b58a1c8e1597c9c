using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// A scripted SSE endpoint of a <see cref="ChaosServer"/>. It streams events 1…<see cref="Events"/>, each as
/// <c>id: k</c> + <c>data: {"id":k,"text":"event k"}</c> (an <see cref="Item"/>), then <c>data: [DONE]</c>. A request with
/// <c>Last-Event-ID: k</c> continues at event k + 1. Faults, each counted per connection (per streaming response):
/// drop the connection after K events (ended short of its declared length, so every byte written arrives first), stall after K events, garbage after K events, no ids, a <c>retry:</c> field, 204 on
/// a resume, a server that replays events already sent (<see cref="ReplayOnResume"/>), a cursor in the query instead of
/// <c>Last-Event-ID</c> (<see cref="CursorParameter"/>), and a prelude of plain replies (a 503, a reset) for the first requests.
/// Deterministic: a drop never loses a byte written before it (see <see cref="DropGate"/> to hold a drop until the client has
/// read them).
/// </summary>
public sealed class ChaosSse : ChaosEndpoint
{
    private static readonly Task Never = new TaskCompletionSource().Task;
    private int _connections;
    private long _eventsWritten;
    private int _drops;

    /// <summary>How many events the stream has.</summary>
    public int Events { get; init; } = 10;

    /// <summary>Drop (abort) every connection after it wrote this many events (0: right after the headers and <c>retry:</c>, before any event); <see langword="null"/>: never.</summary>
    public int? DropEvery { get; init; }

    /// <summary>Per connection (1-based): after how many events it drops (0: before any), or <see langword="null"/> for never. Wins over <see cref="DropEvery"/>; lets a benchmark vary drops with its own seeded random.</summary>
    public Func<int, int?>? DropPlan { get; init; }

    /// <summary>When set, a drop waits for this task (after flushing) before aborting: a test opens it once it read the events.</summary>
    public Func<int, Task>? DropGate { get; init; }

    /// <summary>
    /// Whether a drop aborts the connection (a TCP reset: bytes not yet on the wire, even the headers, may be lost) instead of
    /// ending it short after every byte was sent (the default: the response declared a length it never reaches).
    /// </summary>
    public bool DropWithReset { get; init; }

    /// <summary>Stall (send nothing more, until the client leaves) after this many events on a connection; <see langword="null"/>: never.</summary>
    public int? StallAfter { get; init; }

    /// <summary>Write <see cref="Garbage"/> after this many events on a connection; <see langword="null"/>: never.</summary>
    public int? GarbageAfter { get; init; }

    /// <summary>The garbage: by default an event whose data is not JSON.</summary>
    public string Garbage { get; init; } = "data: {\"id\": this is not json\n\n";

    /// <summary>Whether events carry no <c>id:</c> field.</summary>
    public bool OmitIds { get; init; }

    /// <summary>A <c>retry: ms</c> field sent first on every connection; <see langword="null"/>: none.</summary>
    public int? RetryMilliseconds { get; init; }

    /// <summary>Whether a request carrying <c>Last-Event-ID</c> is answered with 204 (nothing more).</summary>
    public bool NoContentOnResume { get; init; }

    /// <summary>Whether <c>data: [DONE]</c> follows the last event.</summary>
    public bool SendDone { get; init; } = true;

    /// <summary>A resume (by <c>Last-Event-ID</c> or <see cref="CursorParameter"/>) starts this many events before the one asked for: a server that sends events again.</summary>
    public int ReplayOnResume { get; init; }

    /// <summary>A query parameter (for example <c>after</c>) that, like <c>Last-Event-ID</c>, names the last event the client has; <see langword="null"/>: none.</summary>
    public string? CursorParameter { get; init; }

    /// <summary>Plain replies for the first requests (request n gets Prelude[n-1]); streaming starts after them.</summary>
    public IReadOnlyList<ChaosReply> Prelude { get; init; } = [];

    /// <summary>Flush after this many events (1: every event); the body is always flushed before a drop, stall or the end.</summary>
    public int FlushEvery { get; init; } = 1;

    /// <summary>Streaming responses started so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Events written, over all connections.</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Connections dropped on purpose so far.</summary>
    public int Drops => Volatile.Read(ref _drops);

    /// <summary>The data of event <paramref name="id"/>.</summary>
    public static string DataOf(int id) => string.Create(CultureInfo.InvariantCulture, $$"""{"id":{{id}},"text":"event {{id}}"}""");

    internal override async Task HandleAsync(HttpContext context, ChaosRequest request, CancellationToken stopping)
    {
        if (request.Number <= Prelude.Count)
        {
            await ChaosScript.WriteAsync(context, Prelude[request.Number - 1], request.Number, stopping);
            return;
        }

        int connection = Interlocked.Increment(ref _connections);
        int first = 1;
        if (request.Header("Last-Event-ID") is { } lastId)
        {
            if (NoContentOnResume)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            if (int.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out int last))
            {
                first = Math.Max(1, last + 1 - ReplayOnResume);
            }
        }
        else if (CursorParameter is { } cursor &&
            int.TryParse(context.Request.Query[cursor].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int after))
        {
            first = Math.Max(1, after + 1 - ReplayOnResume);
        }

        int? dropAfter = DropPlan is { } plan ? plan(connection) : DropEvery;
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        bool willDrop = dropAfter is { } d && d <= Events - first + 1;
        if (willDrop && !DropWithReset)
        {
            // A connection that will drop declares a length it never reaches: ending the response short makes Kestrel close
            // the connection after sending every byte written (an abort would reset it and lose them).
            response.ContentLength = 1L << 40;
        }

        await response.StartAsync(context.RequestAborted);
        Stream body = response.Body;
        if (RetryMilliseconds is { } retry)
        {
            await WriteAsync(body, string.Create(CultureInfo.InvariantCulture, $"retry: {retry}\n\n"), context);
        }

        if (dropAfter == 0)
        {
            await DropAsync(context, connection, stopping);
            return;
        }

        int sent = 0;
        var text = new StringBuilder();
        for (int id = first; id <= Events; id++)
        {
            text.Clear();
            if (!OmitIds)
            {
                text.Append(CultureInfo.InvariantCulture, $"id: {id}\n");
            }

            text.Append("data: ").Append(DataOf(id)).Append("\n\n");
            await body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), context.RequestAborted);
            sent++;
            Interlocked.Increment(ref _eventsWritten);
            if (sent % FlushEvery == 0)
            {
                await body.FlushAsync(context.RequestAborted);
            }

            if (GarbageAfter == sent)
            {
                await WriteAsync(body, Garbage, context);
            }

            if (dropAfter == sent)
            {
                await DropAsync(context, connection, stopping);
                return;
            }

            if (StallAfter == sent)
            {
                await body.FlushAsync(context.RequestAborted);
                await WaitAsync(Never, context, stopping);
                return;
            }
        }

        if (SendDone)
        {
            await WriteAsync(body, "data: [DONE]\n\n", context);
        }

        await body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Flushes what was written, waits for the <see cref="DropGate"/> if any, then drops the connection.</summary>
    private async Task DropAsync(HttpContext context, int connection, CancellationToken stopping)
    {
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (DropGate is { } gate && !await WaitAsync(gate(connection), context, stopping))
        {
            return;
        }

        Interlocked.Increment(ref _drops);
        if (DropWithReset)
        {
            context.Abort();
        }
    }

    private static async Task WriteAsync(Stream body, string text, HttpContext context)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await body.FlushAsync(context.RequestAborted);
    }
}
