using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>
/// The state of one stream: lazy send on the first <see cref="MoveNextAsync"/>, decoder choice by content type, the
/// first-item and gap timeouts, sentinel handling and the mapping of failures to the SDK's exceptions. One per
/// <see cref="StreamResult{T}"/>; enumerated once.
/// </summary>
internal sealed class StreamCall<T> : IAsyncDisposable
{
    private const string StreamAccept = "text/event-stream, application/x-ndjson, application/jsonl, application/json;q=0.9";
    private readonly ApiRequest _request;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly StreamOptions? _streamOptions;
    private readonly CancellationToken _callToken;
    private CancellationToken _enumeratorToken;
    private bool _captureRaw;
    private int _claimed;
    private CallScope? _scope;
    private StreamDecoder<T>? _decoder;
    private bool _done;
    private bool _closed;
    private bool _firstDelivered;

    public StreamCall(SdkClient client, ApiRequest request, JsonTypeInfo<T> itemType, StreamOptions? streamOptions, CancellationToken callToken)
    {
        Client = client;
        _request = request;
        _itemType = itemType;
        _streamOptions = streamOptions;
        _callToken = callToken;
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

    public TimeSpan? ReconnectionInterval =>
        _decoder is SseDecoder<T> sse && sse.ReconnectionInterval != Timeout.InfiniteTimeSpan ? sse.ReconnectionInterval : null;

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
        if (_done || _decoder is not { } decoder)
        {
            return _done ? new ValueTask<bool>(false) : OpenAndContinueAsync(skipUnknown);
        }

        if (_scope!.AttemptToken.IsCancellationRequested)
        {
            // Checked per item: a cancelled or timed-out stream stops even when more items are already buffered.
            return StopAsync();
        }

        // The decoders report every failure through the returned task (they are async methods or async iterators).
        ValueTask<bool> next = decoder.MoveNextAsync();
        if (!next.IsCompletedSuccessfully)
        {
            return ContinueAsync(decoder, next, skipUnknown);
        }

        bool has = next.Result;
        if (has && decoder.Kind == DecodedKind.Item)
        {
            Deliver(decoder);
            return new ValueTask<bool>(true);
        }

        return ContinueAsync(decoder, new ValueTask<bool>(has), skipUnknown);
    }

    public async ValueTask DisposeAsync()
    {
        _done = true;
        await CloseAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> OpenAndContinueAsync(bool skipUnknown)
    {
        StreamDecoder<T> decoder = await OpenAsync().ConfigureAwait(false);
        return await ContinueAsync(decoder, decoder.MoveNextAsync(), skipUnknown).ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="next"/> under the wait clock and handles what it yields, until an item, an event (raw view) or the end.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ContinueAsync(StreamDecoder<T> decoder, ValueTask<bool> next, bool skipUnknown)
    {
        CallScope scope = _scope!;
        while (true)
        {
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
                Exception translated = Translate(ex);
                await CloseAsync().ConfigureAwait(false);
                if (ReferenceEquals(translated, ex))
                {
                    throw;
                }

                throw translated;
            }

            if (!has)
            {
                await CloseAsync().ConfigureAwait(false);
                if (RequireSentinel && !SawSentinel)
                {
                    throw new StreamInterruptedException(
                        StreamInterruptionReason.EndedBeforeSentinel,
                        Delivered,
                        LastEventId,
                        $"{_request}: the stream ended after {Delivered} items without its terminal sentinel.");
                }

                return false;
            }

            switch (decoder.Kind)
            {
                case DecodedKind.Item:
                    Deliver(decoder);
                    return true;

                case DecodedKind.Sentinel:
                    SawSentinel = true;
                    await CloseAsync().ConfigureAwait(false);
                    return false;

                default:
                    // An unknown event still proves the server is alive: the wait clock restarts with the next read.
                    if (!skipUnknown)
                    {
                        CurrentEvent = new StreamEvent<T>(decoder.EventType, decoder.Id, decoder.Raw, default, isKnown: false);
                        return true;
                    }

                    if (scope.AttemptToken.IsCancellationRequested)
                    {
                        return await StopAsync().ConfigureAwait(false);
                    }

                    next = decoder.MoveNextAsync();
                    break;
            }
        }
    }

    private async ValueTask<bool> StopAsync()
    {
        Exception stop = Translate(new OperationCanceledException(_scope!.AttemptToken));
        await CloseAsync().ConfigureAwait(false);
        throw stop;
    }

    private void Deliver(StreamDecoder<T> decoder)
    {
        if (!_firstDelivered)
        {
            _firstDelivered = true;
            _scope!.EnterPhase(TimeoutKind.Idle, _streamOptions?.IdleTimeout ?? Client.Options.Timeouts.Idle, waiting: false);
        }

        Delivered++;
        LastEventId = decoder.Id;
        Current = decoder.Value;
        if (_captureRaw)
        {
            CurrentEvent = new StreamEvent<T>(decoder.EventType, LastEventId, decoder.Raw, decoder.Value, isKnown: true);
        }
    }

    private bool RequireSentinel => _streamOptions?.RequireTerminalSentinel ?? Client.Options.Streaming.RequireTerminalSentinel;

    private async ValueTask<StreamDecoder<T>> OpenAsync()
    {
        Client.ThrowIfDisposed();
        ClientOptions options = Client.Options;
        _scope = Client.CreateScope(_request.Timeout ?? options.Timeouts.StreamTotal, _callToken, _enumeratorToken);
        try
        {
            var call = new CallAttempts(Client, _request, StreamAccept, _scope, activity: null);
            var response = (HttpResponseMessage)await Client.SendWithRetriesAsync(call).ConfigureAwait(false);
            Response = response;
            Headers = new ResponseHeaders(response.Headers, response.Content.Headers);
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrors.FromResponseAsync(Client, response, _request, _scope).ConfigureAwait(false);
            }

            StreamFormat format = _streamOptions?.Format is { } forced and not StreamFormat.Auto ? forced : Detect(response.Content.Headers.ContentType?.MediaType)
                ?? throw await ApiErrors.UnexpectedContentTypeAsync(Client, response, _request, "text/event-stream, application/x-ndjson or application/json", _scope).ConfigureAwait(false);
            Format = format;

            Stream body = await ResponseBody.OpenAsync(response.Content, _request, _scope.AttemptToken).ConfigureAwait(false);
            DecoderSettings<T> settings = CreateSettings();
            _decoder = format switch
            {
                StreamFormat.ServerSentEvents => new SseDecoder<T>(body, settings, _scope.AttemptToken),
                StreamFormat.NdJson => new NdJsonDecoder<T>(body, settings, _scope.AttemptToken),
                _ => new JsonArrayDecoder<T>(body, settings, _scope.AttemptToken),
            };

            _scope.EnterPhase(TimeoutKind.FirstEvent, _streamOptions?.FirstEventTimeout ?? options.Timeouts.FirstEvent, waiting: true);
            return _decoder;
        }
        catch (Exception ex)
        {
            Exception translated = SdkClient.TranslateSendFailure(ex, _request, _scope) ?? ex;
            await CloseAsync().ConfigureAwait(false);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
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
            RequestName = _request.ToString(),
        };
    }

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
            { EventIndex = _decoder?.EventCount };
        }

        if (exception is IOException or HttpRequestException or OperationCanceledException)
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
        StreamDecoder<T>? decoder = _decoder;
        if (decoder is not null)
        {
            await decoder.DisposeAsync().ConfigureAwait(false);
        }

        Response?.Dispose();
        _scope?.Dispose();
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
