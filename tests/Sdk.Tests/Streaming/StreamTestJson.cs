using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sdk.Tests.Streaming;

/// <summary>Extra item types for streaming tests: plain strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(string))]
public sealed partial class StreamTestJson : JsonSerializerContext;
