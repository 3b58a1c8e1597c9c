using System.Net;

namespace Sdk;

/// <summary>
/// A stream of typed items from <see cref="SdkClient.StreamAsync{T}"/>. Nothing is sent until the first
/// <c>MoveNextAsync</c>; after it, <see cref="StatusCode"/>, <see cref="Headers"/> and <see cref="RequestId"/> are known.
/// Enumerate it once, either typed (<c>await foreach (T item in result)</c>) or raw (<see cref="Events"/>).
/// </summary>
/// <remarks>
/// The typed enumeration skips unknown events (see <see cref="StreamOptions.EventTypes"/>) and stops at the terminal
/// sentinel. Cancelling the token stops the stream at once, even when more items are already buffered, and aborts a pending
/// read. Breaking out of the loop or disposing the enumerator closes the response: a stream that ended at its sentinel keeps
/// its pooled connection, one abandoned mid-way is drained briefly (at most 64 KiB, one second) and its connection closed.
/// Errors: <see cref="ApiException"/> (non-2xx), <see cref="InvalidResponseException"/> (content type, JSON, limits),
/// <see cref="SdkTimeoutException"/>, <see cref="StreamInterruptedException"/> (connection lost, missing sentinel, truncated
/// body); items delivered before an error stay delivered.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class StreamResult<T> : IAsyncEnumerable<T>
{
    private readonly StreamCall<T> _call;

    internal StreamResult(StreamCall<T> call)
    {
        _call = call;
    }

    /// <summary>Every event as it came over the wire, known or not, with its type, id and raw bytes (the alternative to the typed enumeration).</summary>
    public IAsyncEnumerable<StreamEvent<T>> Events => new EventView(_call);

    /// <summary>Whether the response headers have arrived.</summary>
    public bool HasResponse => _call.Response is not null;

    /// <summary>The status code once the headers arrived; otherwise <see langword="null"/>.</summary>
    public HttpStatusCode? StatusCode => _call.Response?.StatusCode;

    /// <summary>The response headers once they arrived; otherwise <see langword="null"/>.</summary>
    public ResponseHeaders? Headers => _call.Headers;

    /// <summary>The server's request id once the headers arrived; otherwise <see langword="null"/>.</summary>
    public string? RequestId => _call.Headers?.FirstOf(_call.Client.RequestIdHeaders);

    /// <summary>The format the body is decoded as, once the headers arrived; otherwise <see langword="null"/>.</summary>
    public StreamFormat? Format => _call.Format;

    /// <summary>How many items reached the caller so far.</summary>
    public long ItemCount => _call.Delivered;

    /// <summary>The last SSE event id of a delivered item, or <see langword="null"/>.</summary>
    public string? LastEventId => _call.LastEventId;

    /// <summary>The server's SSE <c>retry:</c> interval, or <see langword="null"/> when it sent none.</summary>
    public TimeSpan? ReconnectionInterval => _call.ReconnectionInterval;

    /// <summary>How many times the stream was resumed after its connection broke.</summary>
    public int Resumes => _call.Resumes;

    /// <summary>Whether the stream ended at its terminal sentinel.</summary>
    public bool SawTerminalSentinel => _call.SawSentinel;

    /// <inheritdoc />
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        _call.Claim(captureRaw: false, cancellationToken);
        return new ItemEnumerator(_call);
    }

    private sealed class ItemEnumerator : IAsyncEnumerator<T>
    {
        private readonly StreamCall<T> _call;

        public ItemEnumerator(StreamCall<T> call)
        {
            _call = call;
        }

        public T Current => _call.Current!;

        public ValueTask<bool> MoveNextAsync() => _call.MoveNextAsync(skipUnknown: true);

        public ValueTask DisposeAsync() => _call.DisposeAsync();
    }

    private sealed class EventView : IAsyncEnumerable<StreamEvent<T>>
    {
        private readonly StreamCall<T> _call;

        public EventView(StreamCall<T> call)
        {
            _call = call;
        }

        public IAsyncEnumerator<StreamEvent<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            _call.Claim(captureRaw: true, cancellationToken);
            return new EventEnumerator(_call);
        }
    }

    private sealed class EventEnumerator : IAsyncEnumerator<StreamEvent<T>>
    {
        private readonly StreamCall<T> _call;

        public EventEnumerator(StreamCall<T> call)
        {
            _call = call;
        }

        public StreamEvent<T> Current => _call.CurrentEvent;

        public ValueTask<bool> MoveNextAsync() => _call.MoveNextAsync(skipUnknown: false);

        public ValueTask DisposeAsync() => _call.DisposeAsync();
    }
}
