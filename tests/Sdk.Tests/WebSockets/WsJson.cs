using System.Text.Json.Serialization;

namespace Sdk.Tests.WebSockets;

/// <summary>A message of the WebSocket tests: a sequence number, text, a key (multiplexing) and an operation.</summary>
public sealed record WsMessage(long? Seq = null, string? Text = null, string? Key = null, string? Op = null, long? From = null);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WsMessage))]
public sealed partial class WsJson : JsonSerializerContext;
