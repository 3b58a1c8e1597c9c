namespace Sdk;

/// <summary>One page of a paginated list, with the status, headers and request id of its response.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class Page<T> : ApiResponse
{
    internal Page(HttpResponseMessage message, IReadOnlyList<string> requestIdHeaders, IReadOnlyList<T> items, string? continuation)
        : base(message, requestIdHeaders)
    {
        Items = items;
        Continuation = continuation;
    }

    /// <summary>The items of this page, in order.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>The cursor or next link that leads to the next page; <see langword="null"/> on the last page.</summary>
    public string? Continuation { get; }

    /// <summary>A problem with the continuation, raised once this page's items were delivered.</summary>
    internal InvalidResponseException? ContinuationError { get; init; }
}
