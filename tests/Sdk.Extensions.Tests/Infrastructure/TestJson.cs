using System.Text.Json.Serialization;

namespace Sdk.Extensions.Tests.Infrastructure;

public sealed record Item(int Id, string Text);

/// <summary>A service the container provides, read by the <c>AddSdkClient((provider, options) => …)</c> overload.</summary>
public sealed record ApiSettings(Uri BaseAddress, string ApiKey);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Item))]
public sealed partial class TestJson : JsonSerializerContext;
