using Microsoft.Extensions.DependencyInjection;
using Sdk.Extensions.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Extensions.Tests;

/// <summary>Who disposes the client: the root container, asynchronously; never a scope.</summary>
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

    /// <summary>
    /// SdkClient implements only IAsyncDisposable, so Microsoft.Extensions.DependencyInjection refuses a synchronous
    /// <c>Dispose()</c> of a container that created it. Hosts dispose asynchronously; code that builds its own provider
    /// must use <c>await using</c>. If SdkClient gains IDisposable, this test should be changed to expect disposal.
    /// </summary>
    [Fact]
    public async Task Dispose_SynchronousRootContainer_ThrowsBecauseTheClientIsOnlyAsyncDisposable()
    {
        var transport = new InMemoryTransport();
        ServiceProvider provider = BuildProvider(transport);
        SdkClient client = provider.GetRequiredService<SdkClient>();

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(provider.Dispose);

        Assert.Contains("IAsyncDisposable", ex.Message, StringComparison.Ordinal);
        await client.DisposeAsync();
    }

    private static ServiceProvider BuildProvider(InMemoryTransport transport)
    {
        var services = new ServiceCollection();
        services.AddSdkClient((_, options) => options.BaseAddress = BaseAddress, builder => builder.UseTransport(transport));
        return services.BuildServiceProvider();
    }
}
