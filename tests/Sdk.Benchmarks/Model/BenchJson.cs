using System.Text.Json.Serialization;

namespace Sdk.Benchmarks.Model;

/// <summary>Source-generated metadata for every benchmark type (snake_case, as OpenAI sends it).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatChunk))]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatResponse))]
internal sealed partial class BenchJson : JsonSerializerContext;
