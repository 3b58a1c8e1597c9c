using Microsoft.Extensions.DependencyInjection;

namespace Sdk.Extensions.Tests;

/// <summary>How <c>AddSdkClient</c> registers the client: one lazily built singleton, never replaced by a second call.</summary>
public sealed class AddSdkClientRegistrationTests
{
    private static readonly Uri First = new("https://first.example.test/v1/");
    private static readonly Uri Second = new("https://second.example.test/v1/");

    [Fact]
    public async Task AddSdkClient_ResolvedTwiceAndFromAScope_ReturnsTheSameSingleton()
    {
        var services = new ServiceCollection();
        services.AddSdkClient(options => options.BaseAddress = First);
        await using ServiceProvider provider = services.BuildServiceProvider();

        SdkClient first = provider.GetRequiredService<SdkClient>();
        SdkClient second = provider.GetRequiredService<SdkClient>();
        await using AsyncServiceScope scope = provider.CreateAsyncScope();
        SdkClient fromScope = scope.ServiceProvider.GetRequiredService<SdkClient>();

        Assert.Same(first, second);
        Assert.Same(first, fromScope);
        ServiceDescriptor descriptor = Assert.Single(services, d => d.ServiceType == typeof(SdkClient));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    [Fact]
    public async Task AddSdkClient_ConfigureDelegate_RunsOnceOnFirstResolveAndSetsTheBaseAddress()
    {
        int configured = 0;
        var services = new ServiceCollection();
        services.AddSdkClient(options =>
        {
            configured++;
            options.BaseAddress = new Uri("https://api.example.test/v1");
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(0, configured);

        SdkClient client = provider.GetRequiredService<SdkClient>();
        provider.GetRequiredService<SdkClient>();

        Assert.Equal(1, configured);
        Assert.Equal(new Uri("https://api.example.test/v1/"), client.BaseAddress);
    }

    [Fact]
    public async Task AddSdkClient_CalledTwice_KeepsTheFirstRegistration()
    {
        int secondConfigured = 0;
        var services = new ServiceCollection();
        services.AddSdkClient(options => options.BaseAddress = First);
        services.AddSdkClient(options =>
        {
            secondConfigured++;
            options.BaseAddress = Second;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        SdkClient client = provider.GetRequiredService<SdkClient>();

        Assert.Equal(First, client.BaseAddress);
        Assert.Equal(0, secondConfigured);
        Assert.Single(services, d => d.ServiceType == typeof(SdkClient));
    }

    [Fact]
    public void AddSdkClient_NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddSdkClient(options => { }));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddSdkClient((_, options) => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddSdkClient((Action<ClientOptions>)null!));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddSdkClient((Action<IServiceProvider, ClientOptions>)null!));
    }
}
