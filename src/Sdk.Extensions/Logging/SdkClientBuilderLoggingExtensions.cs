using Microsoft.Extensions.Logging;

namespace Sdk.Extensions.Logging;

/// <summary>Adds the <see cref="LoggingPlugin"/> to a client.</summary>
public static class SdkClientBuilderLoggingExtensions
{
    /// <summary>Logs the client's calls through <paramref name="loggerFactory"/> (category <c>Sdk</c>), with secrets redacted.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The builder.</returns>
    public static SdkClientBuilder AddLogging(this SdkClientBuilder builder, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlugin(new LoggingPlugin(loggerFactory));
    }
}
