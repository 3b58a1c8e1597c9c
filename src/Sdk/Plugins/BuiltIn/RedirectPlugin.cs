using System.Net;

namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// Follows redirects (301, 302, 303, 307, 308 with a <c>Location</c>) within the attempt, up to
/// <see cref="RedirectOptions.MaxRedirects"/>. A hop to the same origin carries the request as it was sent, credentials
/// included; a hop to another origin carries only <see cref="RedirectOptions.CrossOriginHeaders"/> (no credential, no cookie,
/// no default header), and the authentication plugin does not add the credential there. A redirect from https to http is
/// never followed. 303 turns the request into a GET, as do 301 and 302 for a POST (what browsers and <c>HttpClient</c> do);
/// 307 and 308 keep the method and body. Id <see cref="BuiltInPlugins.Redirects"/>.
/// </summary>
public sealed class RedirectPlugin : ISdkPlugin
{
    private const string HopsKey = "sdk.redirects.hops";
    private readonly RedirectOptions _options;
    private readonly HashSet<string> _crossOriginHeaders;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">How to follow redirects; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RedirectOptions.MaxRedirects"/> is negative or above 8 (the limit on resends per call).</exception>
    public RedirectPlugin(RedirectOptions? options = null)
    {
        _options = options ?? new RedirectOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRedirects, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxRedirects, ClientDefaults.MaxHookResends, nameof(options));
        _crossOriginHeaders = new HashSet<string>(_options.CrossOriginHeaders ?? [], StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = BuiltInPlugins.Manifest(BuiltInPlugins.Redirects, PluginCriticality.Required);

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        hooks.OnResponse(OnResponse);
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private ValueTask OnResponse(ResponseContext context, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = context.Response;
        if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || response.RequestMessage is not { RequestUri: { } from } sent)
        {
            return default;
        }

        return Follow(context, response, sent, from, location, cancellationToken);
    }

    private async ValueTask Follow(ResponseContext context, HttpResponseMessage response, HttpRequestMessage sent, Uri from, Uri location, CancellationToken cancellationToken)
    {
        // { attempt, hops in it }: the limit is per attempt, so that a stream that resumes many times may be redirected each time.
        if (!context.Properties.TryGet(HopsKey, out int[]? hops) || hops![0] != context.Attempt)
        {
            hops = [context.Attempt, 0];
            context.Properties.Set(HopsKey, hops);
        }

        if (hops[1] >= _options.MaxRedirects || !Uri.TryCreate(from, location, out Uri? target))
        {
            return;
        }

        bool secureToPlain = from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp;
        if (secureToPlain || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            return;
        }

        bool sameOrigin = Uri.Compare(from, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        if (!sameOrigin && !_options.AllowCrossOrigin)
        {
            return;
        }

        HttpMethod method = sent.Method;
        if ((response.StatusCode == HttpStatusCode.SeeOther && method != HttpMethod.Head) ||
            (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post))
        {
            method = HttpMethod.Get;
        }

        var hop = new HttpRequestMessage(method, target) { Version = sent.Version, VersionPolicy = sent.VersionPolicy };
        try
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in sent.Headers)
            {
                if (sameOrigin || _crossOriginHeaders.Contains(header.Key))
                {
                    hop.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            if (method == sent.Method && sent.Content is { } content)
            {
                byte[] body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                hop.Content = new ByteArrayContent(body);
                foreach (KeyValuePair<string, IEnumerable<string>> header in content.Headers)
                {
                    if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        hop.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }
            }

            hops[1]++;
            context.Redirect(hop);
        }
        catch
        {
            hop.Dispose();
            throw;
        }
    }
}
