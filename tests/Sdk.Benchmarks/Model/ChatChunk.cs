namespace Sdk.Benchmarks.Model;

/// <summary>One OpenAI-shaped <c>chat.completion.chunk</c> event; the same type for the raw and the Sdk contenders.</summary>
public sealed class ChatChunk
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "";

    public long Created { get; set; }

    public string Model { get; set; } = "";

    public string? SystemFingerprint { get; set; }

    public List<ChunkChoice> Choices { get; set; } = [];

    /// <summary>The length of the text this chunk adds, so every contender does the same work with what it decoded.</summary>
    public int TextLength => Choices.Count == 0 ? 0 : Choices[0].Delta.Content?.Length ?? 0;
}

public sealed class ChunkChoice
{
    public int Index { get; set; }

    public ChunkDelta Delta { get; set; } = new();

    public ChunkLogprobs? Logprobs { get; set; }

    public string? FinishReason { get; set; }
}

public sealed class ChunkDelta
{
    public string? Role { get; set; }

    public string? Content { get; set; }
}

public sealed class ChunkLogprobs
{
    public List<TokenLogprob>? Content { get; set; }
}

public sealed class TokenLogprob
{
    public string Token { get; set; } = "";

    public double Logprob { get; set; }
}
