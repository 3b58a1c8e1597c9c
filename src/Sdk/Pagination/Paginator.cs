using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>
/// How a list is walked from page to page. Get one from <see cref="Paginators"/>: <see cref="Paginators.Cursor"/>
/// (Stripe-style <c>has_more</c> + <c>starting_after</c>) or <see cref="Paginators.NextLink"/> (a URL in the body or a
/// <c>Link</c> header).
/// </summary>
public abstract class Paginator
{
    private readonly string[] _itemsPath;

    private protected Paginator(string? itemsField)
    {
        _itemsPath = itemsField is null ? [] : JsonPath.Parse(itemsField);
    }

    /// <summary>Reads a page's items (in the items field, or the whole body when it is an array) and its continuation.</summary>
    /// <remarks>
    /// A page whose continuation cannot be read (it claims more items but gives no cursor) still delivers its items:
    /// the problem is returned in <paramref name="stalled"/> and raised after them.
    /// </remarks>
    internal string? ReadPage<T>(ReadOnlySpan<byte> body, ResponseHeaders headers, JsonTypeInfo<T> itemType, List<T> items, string requestName, out InvalidResponseException? stalled)
    {
        stalled = null;
        if (!JsonPath.TryFind(body, _itemsPath, out Utf8JsonReader reader) || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidResponseException(
                InvalidResponseReason.InvalidJson,
                _itemsPath.Length == 0
                    ? $"{requestName}: the page body is not a JSON array."
                    : $"{requestName}: the page has no array at '{string.Join('.', _itemsPath)}'.");
        }

        int lastStart = -1;
        int lastEnd = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            int end = (int)reader.BytesConsumed;
            T? item = JsonSerializer.Deserialize(body[start..end], itemType);
            items.Add(item ?? throw new InvalidResponseException(InvalidResponseReason.InvalidJson, $"{requestName}: a page item is JSON null."));
            (lastStart, lastEnd) = (start, end);
        }

        try
        {
            return ReadContinuation(body, headers, lastStart < 0 ? default : body[lastStart..lastEnd], requestName);
        }
        catch (InvalidResponseException ex) when (ex.Reason == InvalidResponseReason.PaginationStalled)
        {
            stalled = ex;
            return null;
        }
    }

    /// <summary>The continuation (cursor or link) for the page after this one, or <see langword="null"/> on the last page.</summary>
    private protected abstract string? ReadContinuation(ReadOnlySpan<byte> body, ResponseHeaders headers, ReadOnlySpan<byte> lastItem, string requestName);

    /// <summary>The request for the next page.</summary>
    internal abstract ApiRequest CreateNextRequest(ApiRequest current, string continuation, RequestFactory requests);

    private protected static string? ReadField(ReadOnlySpan<byte> json, string[] path)
    {
        if (!JsonPath.TryFind(json, path, out Utf8JsonReader reader))
        {
            return null;
        }

        return JsonPath.ReadScalar(ref reader);
    }
}
