using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Quickstart;

/// <summary>The demo API: a chat SSE stream, an NDJSON feed, a cursor-paginated list and a unary lookup.</summary>
internal static class DemoEndpoints
{
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
    }

    /// <summary>Writes the error body both OpenAI and Stripe use.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorDetail(type, message)), QuickstartJson.Default.ErrorEnvelope);
    }

    /// <summary><c>POST /v1/chat/completions</c> with <c>stream: true</c>: OpenAI-style SSE chunks, then <c>data: [DONE]</c>.</summary>
    private static async Task StreamChatAsync(HttpContext context)
    {
        CancellationToken aborted = context.RequestAborted;
        ChatRequest? request = await context.Request.ReadFromJsonAsync(QuickstartJson.Default.ChatRequest, aborted);
        if (request is not { Stream: true })
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", "The demo only streams: send \"stream\": true.");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await WriteChunkAsync(context, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta("assistant", ""), null)]));
        foreach (string token in Tokens)
        {
            await Task.Delay(TokenDelay, aborted);
            await WriteChunkAsync(context, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta(null, token), null)]));
        }

        await WriteChunkAsync(context, new ChatChunk("chatcmpl-demo", "chat.completion.chunk", created, request.Model, [new ChatChoice(0, new ChatDelta(null, null), "stop")]));
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

    private static async Task WriteChunkAsync(HttpContext context, ChatChunk chunk)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, QuickstartJson.Default.ChatChunk) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
