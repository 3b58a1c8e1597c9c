namespace Sdk;

/// <summary>The base address and the fallback addresses, in order, with the choice of endpoint for an attempt.</summary>
internal sealed class EndpointSet
{
    public EndpointSet(ClientOptions options)
    {
        var all = new List<Endpoint> { new(0, options.BaseAddress!, options, Events) };
        foreach (Uri fallback in options.FallbackAddresses)
        {
            all.Add(new Endpoint(all.Count, fallback, options, Events));
        }

        All = [.. all];
    }

    public Endpoint[] All { get; }

    public Endpoint Primary => All[0];

    public EventBroadcast<EndpointEvent> Events { get; } = new();

    /// <summary>
    /// The endpoint for the next attempt: the first, from <paramref name="preferred"/> on (wrapping), whose circuit is not
    /// open; <see langword="null"/> when every circuit is open.
    /// </summary>
    public Endpoint? Choose(int preferred)
    {
        for (int i = 0; i < All.Length; i++)
        {
            Endpoint candidate = All[(preferred + i) % All.Length];
            if (!candidate.IsOpen)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The endpoint whose prefix starts <paramref name="uri"/>, or whose origin it has, or <see langword="null"/>.</summary>
    public Endpoint? Owning(Uri uri)
    {
        string text = uri.AbsoluteUri;
        foreach (Endpoint endpoint in All)
        {
            if (text.StartsWith(endpoint.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }
        }

        foreach (Endpoint endpoint in All)
        {
            if (SameOrigin(uri, endpoint.Address))
            {
                return endpoint;
            }
        }

        return null;
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        a.Port == b.Port;
}
