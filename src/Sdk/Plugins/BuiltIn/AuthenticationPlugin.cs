using System.Net;
using System.Net.Http.Headers;

namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// Authenticates each attempt that goes to one of the client's origins with an <see cref="ApiCredential"/>: an API key in
/// a header or the query, a bearer token, or a token provider's cached token (refreshed ahead of expiry; on a 401, refreshed
/// and the attempt sent again, once). On a redirect hop to another origin it adds nothing and removes the credential's
/// header. Every secret is registered with <see cref="PluginHooks.Secrets"/>. A request that sets the credential's header
/// itself keeps its value. Id <see cref="BuiltInPlugins.Authentication"/>; present when <see cref="ClientOptions.Credential"/>
/// is set. Use one instance per client.
/// </summary>
/// <remarks>
/// Its hook timeout is 30 seconds rather than the plugin default (5 s), since a hook may wait for the token provider (a token
/// endpoint over the network); the call's own timeouts still bound it.
/// </remarks>
public sealed class AuthenticationPlugin : ISdkPlugin, IDisposable
{
    private const string RetriedKey = "sdk.auth.retried";
    private readonly ApiCredential _credential;
    private readonly CancellationTokenSource _lifetime = new();
    private TokenCache? _tokens;

    /// <summary>Creates the plugin.</summary>
    /// <param name="credential">The credential.</param>
    public AuthenticationPlugin(ApiCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = credential;
    }

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = BuiltInPlugins.Manifest(BuiltInPlugins.Authentication, PluginCriticality.Required, ClientDefaults.TokenHookTimeout);

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        if (_credential.Secret is { } secret)
        {
            hooks.Secrets.Add(secret);
        }

        if (_credential.Provider is not null)
        {
            _tokens = new TokenCache(_credential, hooks.TimeProvider, hooks.Secrets, _lifetime.Token);
            hooks.OnRequest(AttachToken, HookScope.Attempt);
            hooks.OnResponse(OnResponse);
        }
        else
        {
            hooks.OnRequest(AttachSecret, HookScope.Attempt);
        }
    }

    /// <inheritdoc />
    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _lifetime.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>Cancels a token refresh in progress.</summary>
    public void Dispose() => _lifetime.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"AuthenticationPlugin({_credential})";

    private bool Skips(RequestContext context)
    {
        if (!context.IsClientOrigin)
        {
            if (_credential.HeaderName is { } name)
            {
                context.Headers.Remove(name);
            }

            return true;
        }

        return SetsOwnHeader(context.Request);
    }

    /// <summary>Whether the request carries the credential's header itself (its value is sent, never the plugin's).</summary>
    private bool SetsOwnHeader(ApiRequest request)
    {
        IReadOnlyDictionary<string, string> own = request.Headers;
        return _credential.HeaderName is { } header && own.Count > 0 && own.ContainsKey(header);
    }

    private ValueTask AttachSecret(RequestContext context, CancellationToken cancellationToken)
    {
        if (Skips(context))
        {
            return default;
        }

        if (_credential.HeaderName is { } name)
        {
            context.Headers.Set(name, _credential.HeaderValue!);
        }
        else if (context.Message is { RequestUri: { } uri } message)
        {
            string separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            message.RequestUri = new Uri(string.Concat(uri.AbsoluteUri, separator, Uri.EscapeDataString(_credential.QueryParameter!), "=", Uri.EscapeDataString(_credential.Secret!)));
        }

        return default;
    }

    private ValueTask AttachToken(RequestContext context, CancellationToken cancellationToken)
    {
        if (Skips(context))
        {
            return default;
        }

        ValueTask<TokenCache.Entry> token = _tokens!.GetAsync(cancellationToken);
        if (token.IsCompletedSuccessfully)
        {
            context.Headers.Set(_credential.HeaderName!, token.Result.HeaderValue);
            return default;
        }

        return AttachLaterAsync(context, _credential.HeaderName!, token);

        static async ValueTask AttachLaterAsync(RequestContext context, string header, ValueTask<TokenCache.Entry> token) =>
            context.Headers.Set(header, (await token.ConfigureAwait(false)).HeaderValue);
    }

    private ValueTask OnResponse(ResponseContext context, CancellationToken cancellationToken)
    {
        // A 401 to a request that carried its own Authorization header is its caller's answer: the provider's token was not
        // sent, so refreshing it (and sending the request again with the same header) cannot change it.
        if (context.Response.StatusCode != HttpStatusCode.Unauthorized || !context.IsClientOrigin || SetsOwnHeader(context.Request))
        {
            return default;
        }

        // One refresh-and-retry per run of 401s: a 401 on the attempt this plugin retried is the answer.
        if (context.Properties.TryGet(RetriedKey, out int retriedAttempt) && retriedAttempt == context.Attempt)
        {
            return default;
        }

        return RefreshAndRetryAsync(context, cancellationToken);
    }

    private async ValueTask RefreshAndRetryAsync(ResponseContext context, CancellationToken cancellationToken)
    {
        // The value the refused attempt carried, so that a token another call refreshed meanwhile is not dropped too.
        string? sent = context.Response.RequestMessage?.Headers.NonValidated.TryGetValues(_credential.HeaderName!, out HeaderStringValues values) == true
            ? values.ToString()
            : null;
        await _tokens!.RefreshAfterRejectionAsync(sent, cancellationToken).ConfigureAwait(false);
        context.Properties.Set(RetriedKey, context.Attempt + 1);
        context.RetryNow();
    }
}
