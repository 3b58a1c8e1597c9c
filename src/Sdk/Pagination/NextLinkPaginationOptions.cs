namespace Sdk;

/// <summary>Where next-link pagination finds the items and the next page's URL.</summary>
public sealed class NextLinkPaginationOptions
{
    /// <summary>The property holding the page's items (a dotted path is allowed); <see langword="null"/> when the body itself is the array.</summary>
    /// <value><c>data</c>.</value>
    public string? ItemsField { get; set; } = "data";

    /// <summary>The body property holding the next page's URL (a dotted path such as <c>links.next</c> is allowed); <see langword="null"/> reads only the <c>Link</c> header.</summary>
    /// <value><c>next</c>.</value>
    public string? NextLinkField { get; set; } = "next";

    /// <summary>Whether the <c>Link</c> header's <c>rel="next"</c> target is used when the body has no next link.</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseLinkHeader { get; set; } = true;
}
