namespace Sdk;

/// <summary>Field and parameter names of cursor pagination; the defaults match Stripe.</summary>
public sealed class CursorPaginationOptions
{
    /// <summary>The property holding the page's items (a dotted path is allowed).</summary>
    /// <value><c>data</c>.</value>
    public string ItemsField { get; set; } = "data";

    /// <summary>The boolean property saying whether more pages follow; <see langword="null"/> continues while a cursor is present.</summary>
    /// <value><c>has_more</c>.</value>
    public string? HasMoreField { get; set; } = "has_more";

    /// <summary>The query parameter the cursor is sent in.</summary>
    /// <value><c>starting_after</c>.</value>
    public string CursorParameter { get; set; } = "starting_after";

    /// <summary>The property of the last item whose value is the cursor (used when <see cref="NextCursorField"/> is <see langword="null"/>).</summary>
    /// <value><c>id</c>.</value>
    public string ItemIdField { get; set; } = "id";

    /// <summary>A body property that carries the next cursor itself (for example <c>next_cursor</c>); <see langword="null"/> takes the cursor from the last item.</summary>
    /// <value><see langword="null"/>.</value>
    public string? NextCursorField { get; set; }
}
