namespace Sdk;

/// <summary>Next-link pagination: follow a URL from the body or the <c>Link</c> header, same-origin only.</summary>
internal sealed class NextLinkPaginator : Paginator
{
    private readonly string[]? _nextLinkPath;
    private readonly bool _useLinkHeader;

    public NextLinkPaginator(NextLinkPaginationOptions options)
        : base(options.ItemsField)
    {
        _nextLinkPath = options.NextLinkField is null ? null : JsonPath.Parse(options.NextLinkField);
        _useLinkHeader = options.UseLinkHeader;
    }

    private protected override string? ReadContinuation(ReadOnlySpan<byte> body, ResponseHeaders headers, ReadOnlySpan<byte> lastItem, string requestName)
    {
        string? link = _nextLinkPath is null ? null : ReadField(body, _nextLinkPath);
        if (string.IsNullOrEmpty(link) && _useLinkHeader)
        {
            link = LinkHeader.FindTarget(headers.GetValues("Link"), "next");
        }

        return string.IsNullOrEmpty(link) ? null : link;
    }

    internal override ApiRequest CreateNextRequest(ApiRequest current, string continuation, RequestFactory requests)
    {
        // Relative links resolve against the current page's URI, as a browser would.
        Uri page = requests.BuildUri(current);
        if (!Uri.TryCreate(page, continuation, out Uri? next) || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidResponseException(InvalidResponseReason.CrossOriginLink, $"{current}: the next link is not an http(s) URI of the base address's origin; it is not followed.");
        }

        if (!requests.IsClientOrigin(next))
        {
            throw new InvalidResponseException(
                InvalidResponseReason.CrossOriginLink,
                $"{current}: the next link points to {next.GetLeftPart(UriPartial.Authority)}, an origin that is not the base address's nor a fallback's; it is not followed, so credentials never leave the API's origin.");
        }

        return current.Clone(next.AbsoluteUri);
    }
}
