using System.Text.Json.Serialization;

namespace Quickstart;

/// <summary>Source-generated JSON metadata for every type the Quickstart sends or reads (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatChunk))]
[JsonSerializable(typeof(FeedEvent))]
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(CustomerList))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(AssistantMessage))]
public sealed partial class QuickstartJson : JsonSerializerContext;
