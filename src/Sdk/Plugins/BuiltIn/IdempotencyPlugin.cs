namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// Gives every POST without a key of its own an idempotency key (a random UUID, the same on each attempt of the call) and
/// marks the call safe to retry (<see cref="RequestContext.MarkSafeToRepeat"/>). A key the request sets itself
/// (<see cref="ApiRequest.WithIdempotencyKey"/>) wins. Id <see cref="BuiltInPlugins.Idempotency"/>; turned off by
/// <see cref="RetryOptions.AutomaticIdempotencyKeys"/>.
/// </summary>
public sealed class IdempotencyPlugin : ISdkPlugin
{
    private readonly string _headerName;
    private readonly HttpMethod[] _methods;

    /// <summary>Creates the plugin.</summary>
    /// <param name="headerName">The header that carries the key (default <c>Idempotency-Key</c>).</param>
    /// <param name="methods">The methods that get a key (default POST only: PATCH bodies are often not safe to repeat even with a key).</param>
    /// <exception cref="ArgumentException"><paramref name="headerName"/> is not a valid header name.</exception>
    public IdempotencyPlugin(string headerName = ClientDefaults.IdempotencyKeyHeader, IEnumerable<HttpMethod>? methods = null)
    {
        HeaderNames.ThrowIfInvalidName(headerName, nameof(headerName));

        _headerName = headerName;
        _methods = methods is null ? [HttpMethod.Post] : [.. methods];
    }

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = BuiltInPlugins.Manifest(BuiltInPlugins.Idempotency, PluginCriticality.Required);

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        hooks.OnRequest(AddKey);
    }

    private ValueTask AddKey(RequestContext context, CancellationToken cancellationToken)
    {
        ApiRequest request = context.Request;
        if (Array.IndexOf(_methods, request.Method) < 0 || request.IdempotencyKey is not null)
        {
            return default;
        }

        if (request.Headers.Count == 0 || !request.Headers.ContainsKey(_headerName))
        {
            context.Headers.Set(_headerName, RandomIds.NewUuid());
        }

        context.MarkSafeToRepeat();
        return default;
    }
}
