namespace Sdk.Benchmarks.Model;

/// <summary>The request body the raw and Sdk contenders post (the OpenAI contender posts its own, of the same shape).</summary>
public sealed class ChatRequest
{
    public string Model { get; set; } = "";

    public bool? Stream { get; set; }

    public List<RequestMessage> Messages { get; set; } = [];
}

public sealed class RequestMessage
{
    public string Role { get; set; } = "";

    public string Content { get; set; } = "";
}

/// <summary>The unary answer: an OpenAI-shaped <c>chat.completion</c>.</summary>
public sealed class ChatResponse
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "";

    public long Created { get; set; }

    public string Model { get; set; } = "";

    public List<ResponseChoice> Choices { get; set; } = [];

    public int TextLength => Choices.Count == 0 ? 0 : Choices[0].Message.Content?.Length ?? 0;
}

public sealed class ResponseChoice
{
    public int Index { get; set; }

    public ResponseMessage Message { get; set; } = new();

    public string? FinishReason { get; set; }
}

public sealed class ResponseMessage
{
    public string Role { get; set; } = "";

    public string? Content { get; set; }
}
