namespace Sdk;

/// <summary>The pagination strategies shipped with the SDK.</summary>
public static class Paginators
{
    /// <summary>
    /// Cursor pagination (Stripe-style): the items are in <c>data</c>; while <c>has_more</c> is true the next page is requested
    /// with <c>starting_after=&lt;id of the last item&gt;</c>. Every name is configurable, and the cursor can come from a body
    /// field instead (<see cref="CursorPaginationOptions.NextCursorField"/>).
    /// </summary>
    /// <param name="options">Field and parameter names; <see langword="null"/> for Stripe's.</param>
    /// <returns>The paginator.</returns>
    public static Paginator Cursor(CursorPaginationOptions? options = null)
    {
        options ??= new CursorPaginationOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ItemsField, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CursorParameter, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ItemIdField, nameof(options));
        return new CursorPaginator(options);
    }

    /// <summary>
    /// Next-link pagination: the next page's URL comes from a body field (<c>next</c> by default) or the <c>Link</c> header's
    /// <c>rel="next"</c>. Relative links resolve against the current page; links to another origin are refused.
    /// </summary>
    /// <param name="options">Where the items and the link are; <see langword="null"/> for the defaults.</param>
    /// <returns>The paginator.</returns>
    public static Paginator NextLink(NextLinkPaginationOptions? options = null)
    {
        options ??= new NextLinkPaginationOptions();
        if (options.NextLinkField is null && !options.UseLinkHeader)
        {
            throw new ArgumentException("Next-link pagination needs NextLinkField, UseLinkHeader, or both.", nameof(options));
        }

        return new NextLinkPaginator(options);
    }
}
