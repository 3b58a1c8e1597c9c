using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Sdk;
using Sdk.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="SdkClient"/> in an <see cref="IServiceCollection"/>.</summary>
public static class SdkServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SdkClient"/> singleton built from the options <paramref name="configure"/> fills in. The options
    /// are validated when the client is first resolved (every problem in one message); the container disposes the client.
    /// A second call does not replace the first registration. When the container has an <see cref="ILoggerFactory"/>, the
    /// client logs its calls through it (<see cref="LoggingPlugin"/>; remove it in <paramref name="build"/> with
    /// <c>RemovePlugin(LoggingPlugin.Id)</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Fills in the options; it receives the service provider for configuration lookups.</param>
    /// <param name="build">Optional further builder steps (a transport, handler settings).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSdkClient(this IServiceCollection services, Action<IServiceProvider, ClientOptions> configure, Action<SdkClientBuilder>? build = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(provider =>
        {
            var options = new ClientOptions();
            configure(provider, options);
            SdkClientBuilder builder = SdkClient.CreateBuilder(options);
            if (provider.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                builder.AddPlugin(new LoggingPlugin(loggerFactory));
            }

            build?.Invoke(builder);
            return builder.Build();
        });
        return services;
    }

    /// <summary>Registers one <see cref="SdkClient"/> singleton; see the overload taking the service provider.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Fills in the options.</param>
    /// <param name="build">Optional further builder steps (a transport, handler settings).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSdkClient(this IServiceCollection services, Action<ClientOptions> configure, Action<SdkClientBuilder>? build = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSdkClient((_, options) => configure(options), build);
    }
}
