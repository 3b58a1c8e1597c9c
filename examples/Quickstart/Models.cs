using System.Text.Json.Serialization;

namespace Quickstart;

// The shapes the demo server sends and the client reads. Property names are mapped to snake_case by QuickstartJson.

/// <summary>An OpenAI-style chat completion request (<c>POST chat/completions</c>).</summary>
public sealed record ChatRequest(string Model, IReadOnlyList<ChatMessage> Messages, bool Stream);

/// <summary>One message of a chat.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>One <c>chat.completion.chunk</c> of a streamed chat completion.</summary>
public sealed record ChatChunk(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices)
{
    /// <summary>The text this chunk adds (the first choice's delta), or the empty string.</summary>
    [JsonIgnore]
    public string Text => Choices is [{ Delta.Content: { } content }, ..] ? content : "";
}

/// <summary>One choice of a chunk.</summary>
public sealed record ChatChoice(int Index, ChatDelta? Delta, string? FinishReason);

/// <summary>What a chunk adds to a choice.</summary>
public sealed record ChatDelta(string? Role, string? Content);

/// <summary>One line of the NDJSON event feed.</summary>
public sealed record FeedEvent(string Id, string Type, long Created, string Customer);

/// <summary>A customer, as returned by the list and the unary endpoint.</summary>
public sealed record Customer(string Id, string Name, string Email);

/// <summary>A Stripe-style list page: <c>data</c> and <c>has_more</c>; the next page is asked for with <c>starting_after</c>.</summary>
public sealed record CustomerList(string Object, IReadOnlyList<Customer> Data, bool HasMore);

/// <summary>The error body both OpenAI and Stripe send: <c>{"error":{"type":…,"message":…}}</c>.</summary>
public sealed record ErrorEnvelope(ErrorDetail Error);

/// <summary>The error itself.</summary>
public sealed record ErrorDetail(string Type, string Message);

/// <summary>A message of the assistant WebSocket: the client sends <c>ask</c>, the server answers <c>reply</c> with the same id.</summary>
public sealed record AssistantMessage(string Type, int Id, string Text);
