using System.Text.Json.Serialization;

namespace RealtimeExample;

/// <summary>What the client sends: <c>subscribe</c> (a channel, from a sequence number), <c>say</c> (a chat line), <c>ping</c>.</summary>
internal sealed record ClientEvent(string Type, string? Channel = null, long? From = null, string? Text = null);

/// <summary>What the server sends: <c>tick</c> (a channel's price, numbered), <c>said</c> (a chat line echoed), <c>pong</c>.</summary>
internal sealed record ServerEvent(string Type, string? Channel = null, long? Seq = null, decimal? Price = null, string? Text = null);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientEvent))]
[JsonSerializable(typeof(ServerEvent))]
internal sealed partial class RealtimeJson : JsonSerializerContext;
