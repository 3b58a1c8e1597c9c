using Microsoft.Extensions.DependencyInjection;
using Sdk.Extensions.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Extensions.Tests;

/// <summary>Who disposes the client: the root container (asynchronously or not); never a scope.</summary>
public sealed class AddSdkClientDisposalTests
{
    private static readonly Uri BaseAddress = new("https://api.example.test/v1/");

    [Fact]
    public async Task DisposeAsync_RootContainer_DisposesTheClientSoLaterCallsThrowObjectDisposed()
    {
        var transport = new InMemoryTransport { Responder = _ => ScriptedResponse.Json("""{"id":1,"text":"one"}""") };
        ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(TimeSpan.FromSeconds(10));

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Throws<ObjectDisposedException>(() => client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item));
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task DisposeAsync_Scope_LeavesTheSingletonUsable()
    {
        var transport = new InMemoryTransport { Responder = _ => ScriptedResponse.Json("""{"id":1,"text":"one"}""") };
        await using ServiceProvider provider = BuildProvider(transport);
        SdkClient client;
        await using (AsyncServiceScope scope = provider.CreateAsyncScope())
        {
            client = scope.ServiceProvider.GetRequiredService<SdkClient>();
        }

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, response.Value.Id);
    }

    /// <summary>SdkClient is also IDisposable, so a container disposed synchronously disposes it too.</summary>
    [Fact]
    public async Task Dispose_SynchronousRootContainer_DisposesTheClient()
    {
        var transport = new InMemoryTransport();
        ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(ApiRequest.Get("anything")));
        Assert.Empty(transport.Requests);
    }

    private static ServiceProvider BuildProvider(InMemoryTransport transport)
    {
        var services = new ServiceCollection();
        services.AddSdkClient((_, options) => options.BaseAddress = BaseAddress, builder => builder.UseTransport(transport));
        return services.BuildServiceProvider();
    }
}
