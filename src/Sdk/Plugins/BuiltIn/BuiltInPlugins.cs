namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// The ids of the plugins every client starts with. Each is an ordinary plugin: add a plugin with the same id to the builder
/// to replace it, <see cref="SdkClientBuilder.RemovePlugin"/> to go without it, or swap it at run time through
/// <see cref="SdkClient.Plugins"/>. They run before plugins of yours that do not say otherwise (their
/// <see cref="PluginManifest.Order"/> is <see cref="Order"/>).
/// </summary>
public static class BuiltInPlugins
{
    /// <summary><see cref="SdkHeadersPlugin"/>: the user agent and SDK headers.</summary>
    public const string SdkHeaders = "sdk.headers";

    /// <summary><see cref="RequestIdPlugin"/>: a client request id on every call.</summary>
    public const string RequestId = "sdk.request-id";

    /// <summary><see cref="IdempotencyPlugin"/>: an idempotency key on every POST.</summary>
    public const string Idempotency = "sdk.idempotency";

    /// <summary><see cref="RedirectPlugin"/>: redirects, followed without leaking credentials.</summary>
    public const string Redirects = "sdk.redirects";

    /// <summary><see cref="AuthenticationPlugin"/>: the <see cref="ClientOptions.Credential"/> (present only when one is set).</summary>
    public const string Authentication = "sdk.auth";

    /// <summary>The <see cref="PluginManifest.Order"/> of the built-in plugins.</summary>
    public const int Order = -1000;

    internal static readonly SemanticVersion Version = new(1);

    /// <summary>The built-in plugins <paramref name="options"/> ask for, in run order.</summary>
    internal static List<ISdkPlugin> CreateDefaults(ClientOptions options)
    {
        var plugins = new List<ISdkPlugin> { new SdkHeadersPlugin(options.UserAgent), new RequestIdPlugin() };
        if (options.Retry.AutomaticIdempotencyKeys)
        {
            plugins.Add(new IdempotencyPlugin(options.Retry.IdempotencyKeyHeader));
        }

        plugins.Add(new RedirectPlugin());
        if (options.Credential is { } credential)
        {
            plugins.Add(new AuthenticationPlugin(credential));
        }

        return plugins;
    }

    internal static PluginManifest Manifest(string id, PluginCriticality criticality, TimeSpan? hookTimeout = null) =>
        new(id, Version) { Order = Order, Criticality = criticality, HookTimeout = hookTimeout };
}
