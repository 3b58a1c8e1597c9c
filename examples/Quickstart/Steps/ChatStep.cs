using Sdk;

namespace Quickstart.Steps;

/// <summary>Streams a chat completion (SSE, OpenAI chunk shape) and prints each token as it arrives.</summary>
internal static class ChatStep
{
    /// <summary>The stream must end with <c>data: [DONE]</c>; a body that stops earlier fails instead of looking complete.</summary>
    private static readonly StreamOptions MustEndWithDone = new() { RequireTerminalSentinel = true };

    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("1. Chat stream (SSE): POST chat/completions");
        using var counters = new ResilienceCounters();
        ChatResult result = await PrintTokensAsync(client, "gpt-4o-mini", "Say something about streams.", cancellationToken);

        // The demo server answered the first request 503 and cut the first stream mid-way; the caller saw neither.
        Console.WriteLine($"   retried {counters.Retries} time(s) after a 503, resumed {result.Resumes} time(s) after a cut; every token once, in order");
        summary.Add("chat stream (SSE)", $"{result.Tokens} tokens, {counters.Retries} retry, {result.Resumes} resume", result.RequestId);
    }

    public static async Task<ChatResult> PrintTokensAsync(SdkClient client, string model, string prompt, CancellationToken cancellationToken)
    {
        ApiRequest request = ApiRequest.Post(
            "chat/completions",
            new ChatRequest(model, [new ChatMessage("user", prompt)], Stream: true),
            QuickstartJson.Default.ChatRequest);

        // Nothing is sent yet: the request goes out on the first MoveNextAsync of the await foreach.
        StreamResult<ChatChunk> stream = client.StreamAsync(request, QuickstartJson.Default.ChatChunk, MustEndWithDone, cancellationToken);
        int tokens = 0;
        Console.Write("   ");
        await foreach (ChatChunk chunk in stream)
        {
            Console.Write(chunk.Text);
            tokens += chunk.Text.Length > 0 ? 1 : 0;
        }

        Console.WriteLine();
        return new ChatResult(tokens, stream.RequestId, stream.Resumes);
    }
}

/// <summary>What a chat stream produced.</summary>
internal readonly record struct ChatResult(int Tokens, string? RequestId, int Resumes);
