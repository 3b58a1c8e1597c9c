using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using Sdk.Plugins;
using System.Threading.RateLimiting;

namespace Sdk;

/// <summary>
/// The state of one stream. Nothing is sent before the first <see cref="MoveNextAsync"/>. Then each connection is opened
/// inside an attempt (retries, failover, circuit breakers) and read up to the first event the caller gets, so a failure
/// before that point is simply retried. After it, a broken connection is resumed (<see cref="StreamCall{T}"/>'s resume part),
/// and nothing delivered is delivered again. Enumerated once.
/// </summary>
internal sealed partial class StreamCall<T> : IAsyncDisposable
{
    private const string StreamAccept = "text/event-stream, application/x-ndjson, application/jsonl, application/json;q=0.9";
    private readonly ApiRequest _request;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly StreamOptions? _streamOptions;
    private readonly CancellationToken _callToken;
    private readonly ResumeTracker _tracker;
    private readonly Func<T, string?>? _itemKey;
    private CancellationToken _enumeratorToken;
    private bool _captureRaw;
    private int _claimed;
    private CallScope? _scope;
    private RateLimitLease? _permit;
    private Activity? _activity;
    private CallAttempts? _call;
    private DecoderSettings<T>? _settings;
    private StreamConnection<T>? _connection;
    private bool _done;
    private bool _closed;
    private bool _connectionDelivered;
    private bool _resuming;
    private StreamHookEvent? _hookEvent;
    private long _eventIndex;
    private bool _errorReported;

    public StreamCall(SdkClient client, ApiRequest request, JsonTypeInfo<T> itemType, StreamOptions? streamOptions, CancellationToken callToken)
    {
        Client = client;
        _request = request;
        _itemType = itemType;
        _streamOptions = streamOptions;
        _callToken = callToken;
        _tracker = new ResumeTracker(client.Options.Resume.DedupeWindow);
        _itemKey = (streamOptions?.Resume as StreamResumeStrategy<T>)?.ItemKey;
    }

    public SdkClient Client { get; }

    public HttpResponseMessage? Response { get; private set; }

    public ResponseHeaders? Headers { get; private set; }

    public StreamFormat? Format { get; private set; }

    public T? Current { get; private set; }

    public StreamEvent<T> CurrentEvent { get; private set; }

    public long Delivered { get; private set; }

    public string? LastEventId { get; private set; }

    public bool SawSentinel { get; private set; }

    public int Resumes { get; private set; }

    public TimeSpan? ReconnectionInterval =>
        _connection?.Decoder is SseDecoder<T> sse && sse.ReconnectionInterval != Timeout.InfiniteTimeSpan ? sse.ReconnectionInterval : null;

    private bool RequireSentinel => _streamOptions?.RequireTerminalSentinel ?? Client.Options.Streaming.RequireTerminalSentinel;

    public void Claim(bool captureRaw, CancellationToken enumeratorToken)
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            throw new InvalidOperationException("A StreamResult can be enumerated only once; call StreamAsync again for a new stream.");
        }

        _enumeratorToken = enumeratorToken;
        _captureRaw = captureRaw;
    }

    /// <summary>
    /// Advances to the next item (or, for the raw view, the next event). When the decoder already holds the next item,
    /// it is delivered synchronously: no state machine, no clock read. Otherwise the wait clock runs until it arrives.
    /// </summary>
    public ValueTask<bool> MoveNextAsync(bool skipUnknown)
    {
        if (_done || _connection?.Decoder is not { } decoder)
        {
            return _done ? new ValueTask<bool>(false) : OpenAndContinueAsync(skipUnknown);
        }

        if (_scope!.AttemptToken.IsCancellationRequested)
        {
            // Checked per item: a cancelled or timed-out stream stops even when more items are already buffered.
            return ContinueAsync(ValueTask.FromException<bool>(new OperationCanceledException(_scope.AttemptToken)), skipUnknown);
        }

        // The decoders report every failure through the returned task (they are async methods or async iterators).
        ValueTask<bool> next = decoder.MoveNextAsync();
        if (!next.IsCompletedSuccessfully)
        {
            return ContinueAsync(next, skipUnknown);
        }

        bool has = next.Result;
        if (has && decoder.Kind == DecodedKind.Item && _hookEvent is null)
        {
            Deliver(decoder);
            return new ValueTask<bool>(true);
        }

        return ContinueAsync(new ValueTask<bool>(has), skipUnknown);
    }

    public async ValueTask DisposeAsync()
    {
        _done = true;
        await CloseAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> OpenAndContinueAsync(bool skipUnknown)
    {
        try
        {
            await OpenAsync().ConfigureAwait(false);
            return await ContinuePendingAsync(skipUnknown).ConfigureAwait(false);
        }
        catch (Exception ex) when (_call is { Plugins.Errors.Length: > 0 } && !_errorReported)
        {
            _errorReported = true;
            await SdkClient.ReportErrorAsync(_call, ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Delivers what a fresh connection holds: its first event, or the end of the stream.</summary>
    private async ValueTask<bool> ContinuePendingAsync(bool skipUnknown)
    {
        StreamConnection<T> connection = _connection!;
        if (connection.Completed)
        {
            SawSentinel |= connection.EndedAtSentinel;
            await CloseAsync().ConfigureAwait(false);
            return false;
        }

        connection.HasPending = false;
        bool? delivered = _hookEvent is null
            ? DeliverCurrent(connection.Decoder!, skipUnknown)
            : await DeliverThroughHooksAsync(connection.Decoder!, skipUnknown).ConfigureAwait(false);
        return delivered ?? await ContinueAsync(connection.Decoder!.MoveNextAsync(), skipUnknown).ConfigureAwait(false);
    }

    /// <summary>Runs the stream-event hooks on the decoder's current event, then delivers it unless a hook dropped it.</summary>
    private async ValueTask<bool?> DeliverThroughHooksAsync(StreamDecoder<T> decoder, bool skipUnknown)
    {
        StreamHookEvent hookEvent = _hookEvent!;
        hookEvent.EventType = decoder.EventType;
        hookEvent.EventId = decoder.Id;
        hookEvent.Data = decoder.Raw;
        hookEvent.Item = decoder.Kind == DecodedKind.Item ? decoder.Value : null;
        hookEvent.ItemReplaced = false;
        hookEvent.Dropped = false;
        hookEvent.Index = _eventIndex++;
        await HookRunner.RunAsync(_call!.Plugins.StreamEvents, HookKind.StreamEvent, new StreamEventHookCall(hookEvent), _scope!.Token).ConfigureAwait(false);
        hookEvent.Data = default;
        if (hookEvent.Dropped)
        {
            // Processed (a resume continues after it), but nobody downstream sees it.
            if (decoder.Id is { } id)
            {
                _tracker.Record(id);
            }

            return null;
        }

        if (decoder.Kind == DecodedKind.Item && hookEvent.ItemReplaced)
        {
            if (hookEvent.Item is not T replacement)
            {
                if (decoder.Id is { } id)
                {
                    _tracker.Record(id);
                }

                return null; // replaced by nothing: dropped
            }

            Deliver(decoder, replacement);
            return true;
        }

        return DeliverCurrent(decoder, skipUnknown);
    }

    /// <summary>Awaits <paramref name="next"/> under the wait clock and handles what it yields, until an item, an event (raw view) or the end.</summary>
    private ValueTask<bool> ContinueAsync(ValueTask<bool> next, bool skipUnknown) =>
        _call is { Plugins.Errors.Length: > 0 } ? ContinueReportingAsync(next, skipUnknown) : ContinueCoreAsync(next, skipUnknown);

    /// <summary><see cref="ContinueCoreAsync"/>, handing the exception a stream ends with to the error hooks.</summary>
    private async ValueTask<bool> ContinueReportingAsync(ValueTask<bool> next, bool skipUnknown)
    {
        try
        {
            return await ContinueCoreAsync(next, skipUnknown).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_errorReported)
        {
            _errorReported = true;
            await SdkClient.ReportErrorAsync(_call!, ex).ConfigureAwait(false);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ContinueCoreAsync(ValueTask<bool> next, bool skipUnknown)
    {
        CallScope scope = _scope!;
        while (true)
        {
            StreamDecoder<T> decoder = _connection!.Decoder!;
            bool has;
            try
            {
                if (next.IsCompleted)
                {
                    has = next.Result;
                }
                else
                {
                    scope.BeginWait();
                    has = await next.ConfigureAwait(false);
                    scope.EndWait();
                }
            }
            catch (Exception ex)
            {
                await ResumeOrThrowAsync(Translate(ex), ex).ConfigureAwait(false);
                if (_connection.Completed || _connection.HasPending)
                {
                    return await ContinuePendingAsync(skipUnknown).ConfigureAwait(false);
                }

                next = _connection.Decoder!.MoveNextAsync();
                continue;
            }

            if (!has)
            {
                if (RequireSentinel && !SawSentinel)
                {
                    var ended = new StreamInterruptedException(
                        StreamInterruptionReason.EndedBeforeSentinel,
                        Delivered,
                        LastEventId,
                        $"{_request}: the stream ended after {Delivered} items without its terminal sentinel.");
                    await ResumeOrThrowAsync(ended, null).ConfigureAwait(false);
                    if (_connection.Completed || _connection.HasPending)
                    {
                        return await ContinuePendingAsync(skipUnknown).ConfigureAwait(false);
                    }

                    next = _connection.Decoder!.MoveNextAsync();
                    continue;
                }

                await CloseAsync().ConfigureAwait(false);
                return false;
            }

            if (decoder.Kind == DecodedKind.Sentinel)
            {
                SawSentinel = true;
                await CloseAsync().ConfigureAwait(false);
                return false;
            }

            bool? delivered = _hookEvent is null
                ? DeliverCurrent(decoder, skipUnknown)
                : await DeliverThroughHooksAsync(decoder, skipUnknown).ConfigureAwait(false);
            if (delivered is { } result)
            {
                return result;
            }

            if (scope.AttemptToken.IsCancellationRequested)
            {
                next = ValueTask.FromException<bool>(new OperationCanceledException(scope.AttemptToken));
                continue;
            }

            next = decoder.MoveNextAsync();
        }
    }

    /// <summary>Gives the decoder's current event to the caller (an item, or any event in the raw view); <see langword="null"/> for an unknown event the typed view skips.</summary>
    private bool? DeliverCurrent(StreamDecoder<T> decoder, bool skipUnknown)
    {
        if (decoder.Kind == DecodedKind.Item)
        {
            Deliver(decoder);
            return true;
        }

        // An unknown event: processed (so a resume continues after it), given only to the raw view.
        if (decoder.Id is { } id)
        {
            _tracker.Record(id);
        }

        if (skipUnknown)
        {
            return null;
        }

        CurrentEvent = new StreamEvent<T>(decoder.EventType, decoder.Id, decoder.Raw, default, isKnown: false);
        return true;
    }

    private void Deliver(StreamDecoder<T> decoder) => Deliver(decoder, decoder.Value!);

    private void Deliver(StreamDecoder<T> decoder, T value)
    {
        if (!_connectionDelivered)
        {
            _connectionDelivered = true;
            _scope!.EnterPhase(TimeoutKind.Idle, _streamOptions?.IdleTimeout ?? Client.Options.Timeouts.Idle, waiting: false);
        }

        Delivered++;
        Current = value;
        string? id = decoder.Id;
        LastEventId = id;
        if (_itemKey is not null)
        {
            id = _itemKey(decoder.Value!);
        }

        if (id is not null)
        {
            _tracker.Record(id);
        }

        if (_captureRaw)
        {
            CurrentEvent = new StreamEvent<T>(decoder.EventType, LastEventId, decoder.Raw, value, isKnown: true);
        }
    }

    private DecoderSettings<T> CreateSettings()
    {
        StreamingOptions streaming = Client.Options.Streaming;
        string? sentinel = _streamOptions?.TerminalSentinel ?? streaming.TerminalSentinel;
        return new DecoderSettings<T>
        {
            ItemType = _itemType,
            Sentinel = string.IsNullOrEmpty(sentinel) ? null : Encoding.UTF8.GetBytes(sentinel),
            EventTypes = _streamOptions?.EventTypes is { } types ? new HashSet<string>(types, StringComparer.Ordinal) : null,
            MaxLineBytes = streaming.MaxLineBytes,
            MaxEventBytes = streaming.MaxEventBytes,
            CaptureRaw = _captureRaw,
            ScratchRaw = _hookEvent is not null,
            RequestName = _request.ToString(),
        };
    }

    /// <summary>Maps a failure of a connection to the SDK's exception (the caller's cancellation, a timeout, a lost connection, bad input).</summary>
    private Exception Translate(Exception exception)
    {
        if (exception is SdkException)
        {
            return exception;
        }

        if (exception is TruncatedStreamException truncated)
        {
            return new StreamInterruptedException(StreamInterruptionReason.TruncatedBody, Delivered, LastEventId, truncated.Message, exception);
        }

        if (_scope!.TranslateCancellation(exception, _request.ToString()) is { } canceled)
        {
            return canceled;
        }

        if (exception is InvalidDataException)
        {
            return new InvalidResponseException(
                InvalidResponseReason.CorruptBody,
                $"{_request}: the body could not be decoded after {Delivered} items: {exception.Message}",
                exception)
            { EventIndex = _connection?.Decoder?.EventCount };
        }

        if (exception is IOException or HttpRequestException or SocketException or OperationCanceledException)
        {
            return new StreamInterruptedException(
                StreamInterruptionReason.ConnectionLost,
                Delivered,
                LastEventId,
                $"{_request}: the connection was lost after {Delivered} items: {exception.Message}",
                exception);
        }

        return exception;
    }

    private async ValueTask CloseAsync()
    {
        _done = true;
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _scope?.Dispose();
        _permit?.Dispose();
        _activity?.Dispose();
        _call?.Plugins.Exit();
    }

    internal static StreamFormat? Detect(string? mediaType)
    {
        if (mediaType is null)
        {
            return null;
        }

        if (mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return StreamFormat.ServerSentEvents;
        }

        if (mediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase) ||
            mediaType.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase) ||
            mediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase) ||
            mediaType.Equals("application/x-jsonlines", StringComparison.OrdinalIgnoreCase) ||
            mediaType.Equals("application/jsonlines", StringComparison.OrdinalIgnoreCase))
        {
            return StreamFormat.NdJson;
        }

        return SdkClient.IsJson(mediaType) ? StreamFormat.JsonArray : null;
    }
}
