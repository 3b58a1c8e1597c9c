using System.Text.Json.Serialization;

namespace Sdk.Tests.Infrastructure;

/// <summary>An RFC 9457 problem body.</summary>
public sealed record CoreProblem(string? Type, string? Title, int? Status, string? Detail);

/// <summary>A list item whose id field is not called <c>id</c>.</summary>
public sealed record CoreEntry(string Key, int Value);

/// <summary>A list item whose cursor sits in a nested object (<c>ref.id</c>).</summary>
public sealed record CoreNode(CoreRef Ref, string Name);

public sealed record CoreRef(string Id);

/// <summary>A body with a large string, for large-response tests.</summary>
public sealed record CoreBlob(int Id, string Data);

/// <summary>Source-generated metadata for the core tests' own types.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CoreProblem))]
[JsonSerializable(typeof(CoreEntry))]
[JsonSerializable(typeof(CoreNode))]
[JsonSerializable(typeof(CoreBlob))]
public sealed partial class CoreJson : JsonSerializerContext;
