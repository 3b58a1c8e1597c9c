using System.Text.Json.Serialization.Metadata;

namespace Sdk;

public sealed partial class SdkClient
{
    /// <summary>
    /// Streams typed items from an SSE, NDJSON or JSON-array response. Returns at once; the request is sent on the first
    /// <c>MoveNextAsync</c>. See <see cref="StreamResult{T}"/> for what it exposes and throws.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="itemType">The source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="options">Per-call stream settings, or <see langword="null"/> for the client's.</param>
    /// <param name="cancellationToken">Cancels the stream (as does the enumerator's own token, for example from <c>WithCancellation</c>).</param>
    /// <returns>The stream, not yet started.</returns>
    public StreamResult<T> StreamAsync<T>(ApiRequest request, JsonTypeInfo<T> itemType, StreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(itemType);
        ThrowIfDisposed();
        if (options is not null)
        {
            ValidateStreamOptions(options);
            if (options.Resume is { } resume && resume.ItemType != typeof(T))
            {
                throw new ArgumentException($"StreamOptions.Resume must be a StreamResumeStrategy<{typeof(T).Name}>, the stream's item type.", nameof(options));
            }

            string? sentinel = options.TerminalSentinel ?? _options.Streaming.TerminalSentinel;
            if ((options.RequireTerminalSentinel ?? _options.Streaming.RequireTerminalSentinel) && string.IsNullOrEmpty(sentinel))
            {
                throw new ArgumentException("StreamOptions.RequireTerminalSentinel needs a terminal sentinel.", nameof(options));
            }
        }

        return new StreamResult<T>(new StreamCall<T>(this, request, itemType, options, cancellationToken));
    }

    private static void ValidateStreamOptions(StreamOptions options)
    {
        if (!IsValidOptionalTimeout(options.FirstEventTimeout) || !IsValidOptionalTimeout(options.IdleTimeout))
        {
            throw new ArgumentException("StreamOptions.FirstEventTimeout and IdleTimeout must be positive or Timeout.InfiniteTimeSpan.", nameof(options));
        }

        if (!Enum.IsDefined(options.Format))
        {
            throw new ArgumentException($"StreamOptions.Format has an unknown value {options.Format}.", nameof(options));
        }
    }

    private static bool IsValidOptionalTimeout(TimeSpan? value) =>
        value is not { } timeout || timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.Zero;
}
