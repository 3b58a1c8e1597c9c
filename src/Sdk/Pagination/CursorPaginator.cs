using System.Text.Json;

namespace Sdk;

/// <summary>Cursor pagination: continue while <c>has_more</c> is true, sending the cursor (the last item's id, or a body field) as a query parameter.</summary>
internal sealed class CursorPaginator : Paginator
{
    private readonly string[]? _hasMorePath;
    private readonly string[]? _nextCursorPath;
    private readonly string[] _itemIdPath;
    private readonly string _cursorParameter;

    public CursorPaginator(CursorPaginationOptions options)
        : base(options.ItemsField)
    {
        _hasMorePath = options.HasMoreField is null ? null : JsonPath.Parse(options.HasMoreField);
        _nextCursorPath = options.NextCursorField is null ? null : JsonPath.Parse(options.NextCursorField);
        _itemIdPath = JsonPath.Parse(options.ItemIdField);
        _cursorParameter = options.CursorParameter;
    }

    private protected override string? ReadContinuation(ReadOnlySpan<byte> body, ResponseHeaders headers, ReadOnlySpan<byte> lastItem, string requestName)
    {
        if (_hasMorePath is not null && !HasMore(body))
        {
            return null;
        }

        string? cursor = _nextCursorPath is not null ? ReadField(body, _nextCursorPath) : lastItem.IsEmpty ? null : ReadField(lastItem, _itemIdPath);
        if (cursor is null && _hasMorePath is not null)
        {
            throw new InvalidResponseException(
                InvalidResponseReason.PaginationStalled,
                $"{requestName}: the page says more items follow but gives no cursor (an empty page, or an item without its id field).");
        }

        return string.IsNullOrEmpty(cursor) ? null : cursor;
    }

    internal override ApiRequest CreateNextRequest(ApiRequest current, string continuation, RequestFactory requests) =>
        current.Clone().SetQuery(_cursorParameter, continuation);

    private bool HasMore(ReadOnlySpan<byte> body) =>
        JsonPath.TryFind(body, _hasMorePath!, out Utf8JsonReader reader) && reader.TokenType == JsonTokenType.True;
}
