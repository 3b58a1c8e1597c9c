namespace Sdk.Plugins.BuiltIn;

/// <summary>How the <see cref="RedirectPlugin"/> follows redirects.</summary>
public sealed class RedirectOptions
{
    /// <summary>
    /// How many redirects one attempt follows; the response to the last one is the call's answer (an
    /// <see cref="ApiException"/> for a 3xx status). An API that redirects more than a few times is misconfigured, and every hop
    /// is a round trip.
    /// </summary>
    /// <value>5.</value>
    public int MaxRedirects { get; init; } = ClientDefaults.MaxRedirects;

    /// <summary>
    /// Whether a redirect to another origin (scheme, host and port) is followed, without credentials and with only
    /// <see cref="CrossOriginHeaders"/>. When <see langword="false"/>, such a redirect is the call's answer.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool AllowCrossOrigin { get; init; } = true;

    /// <summary>
    /// The request headers a redirect to another origin carries (everything else, including <c>Authorization</c>, cookies,
    /// API key headers and the client's default headers, stays behind). The request's content headers travel with its body.
    /// <c>Last-Event-ID</c> is among them so that a stream resumed through a redirect continues where it broke at the
    /// target (the id is one the target itself sent).
    /// </summary>
    /// <value><c>Accept</c>, <c>Accept-Encoding</c>, <c>Accept-Language</c>, <c>User-Agent</c>, <c>X-Client-Request-Id</c>, <c>Last-Event-ID</c>.</value>
    public IReadOnlyCollection<string> CrossOriginHeaders { get; init; } = ["Accept", "Accept-Encoding", "Accept-Language", "User-Agent", ClientDefaults.ClientRequestIdHeader, "Last-Event-ID"];
}
