using System.Diagnostics;

namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// Sends a client request id (<c>X-Client-Request-Id</c> by default) on every call, the same on each of its attempts and
/// resumes, so the server's logs of a retried call line up with yours. The id is the one of the ambient
/// <see cref="BeginScope"/> (propagate the id of the request your service is handling) or a new random UUID, and is tagged
/// on the call's activity as <c>sdk.client_request_id</c>. A request that sets the header itself keeps its value.
/// Id <see cref="BuiltInPlugins.RequestId"/>. The server's own request id is read separately
/// (<see cref="ClientOptions.RequestIdHeaders"/>).
/// </summary>
public sealed class RequestIdPlugin : ISdkPlugin
{
    private static readonly AsyncLocal<string?> Ambient = new();
    private readonly string _headerName;

    /// <summary>Creates the plugin.</summary>
    /// <param name="headerName">The header that carries the id.</param>
    /// <exception cref="ArgumentException"><paramref name="headerName"/> is not a valid header name.</exception>
    public RequestIdPlugin(string headerName = ClientDefaults.ClientRequestIdHeader)
    {
        HeaderNames.ThrowIfInvalidName(headerName, nameof(headerName));

        _headerName = headerName;
    }

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = BuiltInPlugins.Manifest(BuiltInPlugins.RequestId, PluginCriticality.Optional);

    /// <summary>The id of the innermost <see cref="BeginScope"/> around the current code, or <see langword="null"/>.</summary>
    public static string? CurrentScopeId => Ambient.Value;

    /// <summary>
    /// Makes the calls started inside the scope (on this async flow) send <paramref name="requestId"/> instead of a new id,
    /// until the returned object is disposed.
    /// </summary>
    /// <param name="requestId">The id (for example the id of the request your service is handling).</param>
    /// <returns>Ends the scope, restoring the outer one.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is empty or has a line break.</exception>
    public static IDisposable BeginScope(string requestId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        if (HeaderNames.HasLineBreak(requestId))
        {
            throw new ArgumentException("A request id must not contain a line break.", nameof(requestId));
        }

        var scope = new Scope(Ambient.Value);
        Ambient.Value = requestId;
        return scope;
    }

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        hooks.OnRequest(AddId);
    }

    private ValueTask AddId(RequestContext context, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string> own = context.Request.Headers;
        if (own.Count == 0 || !own.TryGetValue(_headerName, out string? id))
        {
            id = Ambient.Value ?? RandomIds.NewUuid();
            context.Headers.Set(_headerName, id);
        }

        if (Activity.Current is { IsAllDataRequested: true, Source.Name: SdkDiagnostics.Name } activity)
        {
            activity.SetTag("sdk.client_request_id", id);
        }

        return default;
    }

    private sealed class Scope(string? outer) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Ambient.Value = outer;
            }
        }
    }
}
