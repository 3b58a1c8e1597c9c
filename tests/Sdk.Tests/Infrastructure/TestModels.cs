using System.Text.Json.Serialization;

namespace Sdk.Tests.Infrastructure;

public sealed record Item(int Id, string Text);

public sealed record Customer(string Id, string Name);

public sealed record ErrorEnvelope(ErrorBody Error);

public sealed record ErrorBody(string Message, string? Type, string? Code);

public sealed record EchoRequest(string Text, int Count);

public sealed class ChatChunk
{
    public string? Id { get; set; }

    public string? Object { get; set; }

    public long Created { get; set; }

    public string? Model { get; set; }

    public List<ChatChoice>? Choices { get; set; }
}

public sealed class ChatChoice
{
    public int Index { get; set; }

    public ChatDelta? Delta { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}

public sealed class ChatDelta
{
    public string? Role { get; set; }

    public string? Content { get; set; }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(EchoRequest))]
[JsonSerializable(typeof(ChatChunk))]
[JsonSerializable(typeof(List<Item>))]
public sealed partial class TestJson : JsonSerializerContext;
