using System.Text.Json.Serialization;

namespace Sdk.Benchmarks.Chaos;

/// <summary>One event of the chaos stream: its sequence number (also its SSE id) and a chunk-sized text.</summary>
internal sealed class ChaosEvent
{
    public long Seq { get; set; }

    public string? Text { get; set; }
}

[JsonSerializable(typeof(ChaosEvent))]
internal sealed partial class ChaosJson : JsonSerializerContext;
