using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Quickstart;

/// <summary>The demo API: a chat SSE stream, an NDJSON feed, a cursor-paginated list, a unary lookup and an assistant WebSocket.</summary>
internal static class DemoEndpoints
{
    private static readonly DemoFaults Faults = new();

    private static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(20);

    private static readonly string[] Tokens =
        ["Tokens", " arrive", " one", " by", " one", ",", " typed", ",", " as", " the", " server", " writes", " them", "."];

    private static readonly Customer[] Customers =
    [
        new("cus_0001", "Ada Lovelace", "ada@example.com"),
        new("cus_0002", "Grace Hopper", "grace@example.com"),
        new("cus_0003", "Alan Turing", "alan@example.com"),
        new("cus_0004", "Barbara Liskov", "barbara@example.com"),
        new("cus_0005", "Edsger Dijkstra", "edsger@example.com"),
        new("cus_0006", "Frances Allen", "frances@example.com"),
        new("cus_0007", "Donald Knuth", "donald@example.com"),
    ];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/chat/completions", StreamChatAsync);
        api.MapGet("/events", StreamFeedAsync);
        api.MapGet("/customers", ListCustomers);
        api.MapGet("/customers/{id}", GetCustomer);
        api.Map("/assistant", DemoAssistant.RunAsync);
    }

    /// <summary>Writes the error body both OpenAI and Stripe use.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorDetail(type, message)), QuickstartJson.Default.ErrorEnvelope);
    }

    /// <summary>
    /// <c>POST /v1/chat/completions</c> with <c>stream: true</c>: OpenAI-style SSE chunks with ids 0 (the role), 1..N (the
    /// tokens) and N + 1 (the finish reason), then <c>data: [DONE]</c>. A request with <c>Last-Event-ID: k</c> continues after
    /// event k. The first request gets a 503, the first stream is cut (see <see cref="DemoFaults"/>).
    /// </summary>
    private static async Task StreamChatAsync(HttpContext context)
    {
        CancellationToken aborted = context.RequestAborted;
        ChatRequest? request = await context.Request.ReadFromJsonAsync(QuickstartJson.Default.ChatRequest, aborted);
        if (request is not { Stream: true })
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", "The demo only streams: send \"stream\": true.");
            return;
        }

        if (Faults.TakeUnavailable())
        {
            context.Response.Headers["retry-after-ms"] = DemoFaults.RetryAfterMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "overloaded_error", "The demo server is warming up.");
            return;
        }

        int next = int.TryParse(context.Request.Headers["Last-Event-ID"], out int last) ? last + 1 : 0;
        bool cut = next == 0 && Faults.TakeDrop();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        long created = 1_700_000_000;
        if (next == 0)
        {
            await WriteChunkAsync(context, 0, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta("assistant", ""), null)]));
            next = 1;
        }

        for (int id = next; id <= Tokens.Length; id++)
        {
            await Task.Delay(TokenDelay, aborted);
            await WriteChunkAsync(context, id, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta(null, Tokens[id - 1]), null)]));
            if (cut && id == DemoFaults.DropAfterTokens)
            {
                await Task.Delay(TokenDelay, aborted); // let the client read what was sent before the connection goes
                context.Abort();
                return;
            }
        }

        await WriteChunkAsync(context, Tokens.Length + 1, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta(null, null), "stop")]));
        await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
    }

    /// <summary><c>GET /v1/events</c>: one JSON object per line (<c>application/x-ndjson</c>), flushed as each is "produced".</summary>
    private static async Task StreamFeedAsync(HttpContext context)
    {
        CancellationToken aborted = context.RequestAborted;
        context.Response.ContentType = "application/x-ndjson";
        string[] types = ["customer.created", "invoice.paid", "customer.updated", "invoice.created", "invoice.paid"];
        for (int i = 0; i < types.Length; i++)
        {
            var feedEvent = new FeedEvent($"evt_{i + 1:D3}", types[i], 1_700_000_000 + (i * 60), Customers[i].Id);
            await context.Response.WriteAsync(JsonSerializer.Serialize(feedEvent, QuickstartJson.Default.FeedEvent) + "\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
        }
    }

    /// <summary><c>GET /v1/customers?limit=3&amp;starting_after=cus_0003</c>: a Stripe-style cursor page.</summary>
    private static IResult ListCustomers(HttpContext context)
    {
        int limit = int.TryParse(context.Request.Query["limit"], out int requested) ? Math.Clamp(requested, 1, 100) : 10;
        string? after = context.Request.Query["starting_after"];
        int start = after is null ? 0 : Array.FindIndex(Customers, c => c.Id == after) + 1;
        if (start == 0 && after is not null)
        {
            return Results.Json(new ErrorEnvelope(new ErrorDetail("invalid_request_error", $"No such customer: '{after}'.")), QuickstartJson.Default.ErrorEnvelope, statusCode: StatusCodes.Status400BadRequest);
        }

        Customer[] page = Customers[start..Math.Min(start + limit, Customers.Length)];
        return Results.Json(new CustomerList("list", page, start + page.Length < Customers.Length), QuickstartJson.Default.CustomerList);
    }

    /// <summary><c>GET /v1/customers/{id}</c>: one customer, or a 404 with an error body.</summary>
    private static IResult GetCustomer(string id) =>
        Array.Find(Customers, c => c.Id == id) is { } customer
            ? Results.Json(customer, QuickstartJson.Default.Customer)
            : Results.Json(new ErrorEnvelope(new ErrorDetail("invalid_request_error", $"No such customer: '{id}'.")), QuickstartJson.Default.ErrorEnvelope, statusCode: StatusCodes.Status404NotFound);

    private static async Task WriteChunkAsync(HttpContext context, int id, ChatChunk chunk)
    {
        await context.Response.WriteAsync($"id: {id}\ndata: " + JsonSerializer.Serialize(chunk, QuickstartJson.Default.ChatChunk) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
