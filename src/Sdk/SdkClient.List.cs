using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

public sealed partial class SdkClient
{
    /// <summary>
    /// Walks a paginated list item by item, requesting each page when the previous one is used up. Each page is one unary
    /// call (its own timeouts and errors); a list that does not advance (a repeated cursor, an empty page that claims more)
    /// ends with <see cref="InvalidResponseException"/> instead of looping or silently stopping.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="request">The first page's request; later pages keep its headers and query.</param>
    /// <param name="paginator">The strategy, from <see cref="Paginators"/>.</param>
    /// <param name="itemType">The source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The items, in order.</returns>
    public IAsyncEnumerable<T> ListAsync<T>(ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(paginator);
        ArgumentNullException.ThrowIfNull(itemType);
        ThrowIfDisposed();
        return ListItemsAsync(request, paginator, itemType, cancellationToken);
    }

    /// <summary>Walks a paginated list page by page; see <see cref="ListAsync{T}"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="request">The first page's request.</param>
    /// <param name="paginator">The strategy, from <see cref="Paginators"/>.</param>
    /// <param name="itemType">The source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The pages, in order, each with its response metadata.</returns>
    public IAsyncEnumerable<Page<T>> ListPagesAsync<T>(ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(paginator);
        ArgumentNullException.ThrowIfNull(itemType);
        ThrowIfDisposed();
        return EnumeratePagesAsync(request, paginator, itemType, cancellationToken);
    }

    private async IAsyncEnumerable<T> ListItemsAsync<T>(ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (Page<T> page in EnumeratePagesAsync(request, paginator, itemType, cancellationToken).ConfigureAwait(false))
        {
            foreach (T item in page.Items)
            {
                yield return item;
            }
        }
    }

    private async IAsyncEnumerable<Page<T>> EnumeratePagesAsync<T>(ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ApiRequest? current = request;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (current is not null)
        {
            Page<T> page = await GetPageAsync(current, paginator, itemType, cancellationToken).ConfigureAwait(false);
            yield return page;

            if (page.ContinuationError is { } stalled)
            {
                throw stalled;
            }

            if (page.Continuation is not { } continuation)
            {
                yield break;
            }

            if (!seen.Add(continuation))
            {
                throw new InvalidResponseException(
                    InvalidResponseReason.PaginationStalled,
                    $"{current}: the list returned a continuation it had already returned; stopping instead of looping.");
            }

            current = paginator.CreateNextRequest(current, continuation, _requests);
        }
    }

    private Task<Page<T>> GetPageAsync<T>(ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return CallAsync(request, (paginator, itemType), static (client, response, request, state, scope) => client.ReadPageAsync(response, request, state.paginator, state.itemType, scope), cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Page<T>> ReadPageAsync<T>(HttpResponseMessage response, ApiRequest request, Paginator paginator, JsonTypeInfo<T> itemType, CallScope scope)
    {
        if (!IsJson(response.Content.Headers.ContentType?.MediaType))
        {
            throw await ApiErrors.UnexpectedContentTypeAsync(this, response, request, "application/json", scope).ConfigureAwait(false);
        }

        (byte[] buffer, int length) = await ReadBoundedAsync(response, request, scope.Token).ConfigureAwait(false);
        try
        {
            var items = new List<T>();
            var headers = new ResponseHeaders(response.Headers, response.Content.Headers);
            string? continuation;
            InvalidResponseException? stalled;
            try
            {
                continuation = paginator.ReadPage(buffer.AsSpan(0, length), headers, itemType, items, request.ToString(), out stalled);
            }
            catch (JsonException ex)
            {
                throw new InvalidResponseException(InvalidResponseReason.InvalidJson, $"{request}: the page is not valid JSON for a list of {typeof(T).Name}: {ex.Message}", ex);
            }

            return new Page<T>(response, RequestIdHeaders, items, continuation) { ContinuationError = stalled };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a whole body into a pooled buffer, failing past <see cref="ClientOptions.MaxResponseBytes"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(byte[] Buffer, int Length)> ReadBoundedAsync(HttpResponseMessage response, ApiRequest request, CancellationToken cancellationToken)
    {
        long limit = Math.Min(_options.MaxResponseBytes, Array.MaxLength);
        // A compressed body's Content-Length is its compressed size: a hint for the buffer, never a bound.
        bool encoded = ResponseBody.IsEncoded(response.Content);
        long? declared = encoded ? null : response.Content.Headers.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(request, declared.Value, limit);
        }

        Stream body = await ResponseBody.OpenAsync(response.Content, request, cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 16 * 1024, 1, limit + 1));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(request, length, limit);
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge(request, length, limit);
                }
            }

            if (length == 0)
            {
                throw Empty(request);
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
