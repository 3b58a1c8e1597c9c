using System.Text.Json.Serialization;

namespace PluginsExample;

/// <summary>A customer, as the demo API returns it.</summary>
public sealed record Customer(string Id, string Name, string Email);

/// <summary>One event of the demo feed: a customer change, with the customer's e-mail address in it.</summary>
public sealed record CustomerEvent(string Id, string Type, string Email);

/// <summary>One streamed chunk of text.</summary>
public sealed record Chunk(string Text);

[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(CustomerEvent))]
[JsonSerializable(typeof(Chunk))]
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
internal sealed partial class ExampleJson : JsonSerializerContext;
