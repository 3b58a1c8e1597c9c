using Microsoft.Extensions.DependencyInjection;
using Sdk.Extensions.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Extensions.Tests;

/// <summary>How the options reach the client: from the delegate, from a registered service, validated on first resolve.</summary>
public sealed class AddSdkClientOptionsTests
{
    [Fact]
    public async Task AddSdkClient_ConfigureDelegate_AppliesCredentialUserAgentAndDefaultHeadersToRequests()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("""{"id":1,"text":"one"}"""));
        var services = new ServiceCollection();
        services.AddSdkClient(
            (_, options) =>
            {
                options.BaseAddress = new Uri("https://api.example.test/v1");
                options.Credential = ApiCredential.Bearer("test-token");
                options.UserAgent = "ExtensionsTests/1.0";
                options.DefaultHeaders["X-Tenant"] = "tenant-a";
            },
            builder => builder.UseTransport(transport));
        await using ServiceProvider provider = services.BuildServiceProvider();
        SdkClient client = provider.GetRequiredService<SdkClient>();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new Item(1, "one"), response.Value);
        RecordedRequest request = Assert.Single(transport.Requests);
        Assert.Equal(new Uri("https://api.example.test/v1/items/1"), request.Uri);
        Assert.Equal("Bearer test-token", request.Headers["Authorization"]);
        Assert.Equal("ExtensionsTests/1.0", request.Headers["User-Agent"]);
        Assert.Equal("tenant-a", request.Headers["X-Tenant"]);
    }

    [Fact]
    public async Task AddSdkClient_ProviderOverload_ReadsItsOptionsFromARegisteredService()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("""{"id":2,"text":"two"}"""));
        var services = new ServiceCollection();
        services.AddSingleton(new ApiSettings(new Uri("https://settings.example.test/v2/"), "key-from-settings"));
        services.AddSdkClient(
            (provider, options) =>
            {
                ApiSettings settings = provider.GetRequiredService<ApiSettings>();
                options.BaseAddress = settings.BaseAddress;
                options.Credential = ApiCredential.ApiKey(settings.ApiKey);
            },
            builder => builder.UseTransport(transport));
        await using ServiceProvider provider = services.BuildServiceProvider();
        SdkClient client = provider.GetRequiredService<SdkClient>();

        await client.SendAsync(ApiRequest.Get("items/2"), TestJson.Default.Item).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new Uri("https://settings.example.test/v2/"), client.BaseAddress);
        RecordedRequest request = Assert.Single(transport.Requests);
        Assert.Equal(new Uri("https://settings.example.test/v2/items/2"), request.Uri);
        Assert.Equal("key-from-settings", request.Headers["x-api-key"]);
    }

    [Fact]
    public async Task AddSdkClient_InvalidOptions_FailOnEveryResolveWithEveryProblemInOneMessage()
    {
        var services = new ServiceCollection();
        services.AddSdkClient(options =>
        {
            // No BaseAddress, and two values out of range.
            options.MaxResponseBytes = 0;
            options.Timeouts.Idle = TimeSpan.FromSeconds(-1);
        });

        // Registering and building the container do not run the delegate, so they succeed.
        await using ServiceProvider provider = services.BuildServiceProvider();

        ArgumentException first = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<SdkClient>());
        Assert.Contains("(3 problems)", first.Message, StringComparison.Ordinal);
        Assert.Contains("BaseAddress is required.", first.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes must be more than zero.", first.Message, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Idle must be positive or Timeout.InfiniteTimeSpan.", first.Message, StringComparison.Ordinal);

        // Nothing half-built is cached: the next resolve fails the same way.
        ArgumentException second = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<SdkClient>());
        Assert.Equal(first.Message, second.Message);
    }
}
