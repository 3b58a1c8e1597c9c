using System.Diagnostics;
using System.Net;
using System.Runtime.ExceptionServices;
using Polly;
using Sdk.Plugins;

namespace Sdk;

internal sealed partial class StreamCall<T>
{
    /// <summary>Sends the request (with retries) and sets up the first connection, read up to its first event.</summary>
    private async ValueTask OpenAsync()
    {
        Client.ThrowIfDisposed();
        ClientOptions options = Client.Options;
        _scope = Client.CreateScope(_request.Timeout ?? options.Timeouts.StreamTotal, _callToken, _enumeratorToken);
        _activity = SdkDiagnostics.StartCall(_request, stream: true);
        try
        {
            _call = new CallAttempts(Client, _request, StreamAccept, _scope, _activity)
            {
                OnSuccess = static (response, call) => ((StreamCall<T>)call.OnSuccessState!).ConnectAsync(response, call),
                OnSuccessState = this,
                Plugins = Client.Plugins.Enter(),
            };
            if (_call.Plugins.StreamEvents.Length > 0)
            {
                _hookEvent = new StreamHookEvent(_call, typeof(T));
            }

            _settings = CreateSettings();
            _permit = await Client.AcquirePermitAsync(_request, _scope).ConfigureAwait(false);
            await ConnectAsync().ConfigureAwait(false);
        }
        catch
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs the attempts of one connection; on success <see cref="_connection"/> is set, otherwise the final failure is thrown.</summary>
    private async ValueTask ConnectAsync()
    {
        object result = await Client.SendWithRetriesAsync(_call!).ConfigureAwait(false);
        if (result is StreamConnection<T> connection)
        {
            _connection = connection;
            _connectionDelivered = false;
            Format = connection.Format ?? Format;
            return;
        }

        // A final status outside 2xx (not retried, or retries spent).
        var response = (HttpResponseMessage)result;
        Response = response;
        Headers = new ResponseHeaders(response.Headers, response.Content.Headers);
        try
        {
            throw await ApiErrors.FromResponseAsync(Client, response, _call!.Request, _scope!).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>
    /// Inside an attempt: turns a successful response into a connection read up to the first event the caller gets
    /// (dropping events already processed, after a resume), or to the end of the stream. A failure here fails the attempt,
    /// so it is retried like a failed request.
    /// </summary>
    private async ValueTask<Outcome<object>> ConnectAsync(HttpResponseMessage response, CallAttempts call)
    {
        var connection = new StreamConnection<T>(response, call.Endpoint!);
        CallScope scope = _scope!;
        Response = response;
        Headers = new ResponseHeaders(response.Headers, response.Content.Headers);
        try
        {
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                // Nothing (more) to send: the stream ends cleanly.
                connection.Completed = true;
                return Outcome.FromResult<object>(connection);
            }

            StreamFormat format = _streamOptions?.Format is { } forced and not StreamFormat.Auto ? forced : Detect(response.Content.Headers.ContentType?.MediaType)
                ?? throw await ApiErrors.UnexpectedContentTypeAsync(Client, response, call.Request, "text/event-stream, application/x-ndjson or application/json", scope).ConfigureAwait(false);
            connection.Format = format;
            Stream body = await ResponseBody.OpenAsync(response.Content, call.Request, scope.AttemptToken).ConfigureAwait(false);
            connection.Decoder = format switch
            {
                StreamFormat.ServerSentEvents => new SseDecoder<T>(body, _settings!, scope.AttemptToken),
                StreamFormat.NdJson => new NdJsonDecoder<T>(body, _settings!, scope.AttemptToken),
                _ => new JsonArrayDecoder<T>(body, _settings!, scope.AttemptToken),
            };

            scope.EnterPhase(TimeoutKind.FirstEvent, _streamOptions?.FirstEventTimeout ?? Client.Options.Timeouts.FirstEvent, waiting: true);
            HashSet<string>? seen = _resuming ? _tracker.Snapshot() : null;
            StreamDecoder<T> decoder = connection.Decoder;
            while (true)
            {
                if (!await decoder.MoveNextAsync().ConfigureAwait(false))
                {
                    if (RequireSentinel && !SawSentinel)
                    {
                        throw new StreamInterruptedException(
                            StreamInterruptionReason.EndedBeforeSentinel,
                            Delivered,
                            LastEventId,
                            $"{call.Request}: the stream ended after {Delivered} items without its terminal sentinel.");
                    }

                    connection.Completed = true;
                    break;
                }

                if (decoder.Kind == DecodedKind.Sentinel)
                {
                    connection.Completed = true;
                    connection.EndedAtSentinel = true;
                    break;
                }

                if (seen is not null)
                {
                    string? key = decoder.Kind == DecodedKind.Item && _itemKey is not null ? _itemKey(decoder.Value!) : decoder.Id;
                    if (key is not null && seen.Contains(key))
                    {
                        continue; // sent again by the server after the reconnect: already delivered
                    }

                    seen = null; // from the first new event on, the server's order holds
                }

                if (decoder.Kind == DecodedKind.Unknown && !_captureRaw)
                {
                    if (decoder.Id is { } id)
                    {
                        _tracker.Record(id);
                    }

                    continue;
                }

                connection.HasPending = true;
                break;
            }

            scope.EndWait();
            return Outcome.FromResult<object>(connection);
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return Outcome.FromException<object>(Translate(ex));
        }
    }

    /// <summary>
    /// After a connection broke: resumes the stream (SSE <c>Last-Event-ID</c>, or the caller's strategy) with bounded attempts
    /// and back-off, leaving a new connection in <see cref="_connection"/>; or closes the stream and throws.
    /// </summary>
    private async ValueTask ResumeOrThrowAsync(Exception failure, Exception? original)
    {
        StreamConnection<T> broken = _connection!;
        ResumeOptions options = Client.Options.Resume;
        ApiRequest next = _request;
        string? lastEventId = null;
        bool resume = IsResumable(failure) && TryPrepareResume(broken, out next, out lastEventId);
        if (resume || RetryClassifier.IsEndpointFailure(failure, null))
        {
            // The connection counted as a success when it opened; its break (or stall) counts as a failure of its endpoint,
            // whether or not the stream can resume. The caller's cancellation or a body we could not decode does not.
            broken.Endpoint.RecordLateFailure(failure);
        }

        if (!resume)
        {
            await CloseAsync().ConfigureAwait(false);
            Throw(failure, original);
        }

        TimeSpan? serverInterval = broken.Decoder is SseDecoder<T> sse && sse.ReconnectionInterval != Timeout.InfiniteTimeSpan ? sse.ReconnectionInterval : null;
        await broken.DisposeAsync().ConfigureAwait(false);

        Exception last = failure;
        for (int attempt = 0; ; attempt++)
        {
            if (attempt >= options.MaxAttempts)
            {
                await CloseAsync().ConfigureAwait(false);
                throw new StreamInterruptedException(
                    last is StreamInterruptedException interrupted ? interrupted.Reason : StreamInterruptionReason.ConnectionLost,
                    Delivered,
                    LastEventId,
                    $"{_request}: the stream broke after {Delivered} items and could not be resumed ({attempt} attempts): {last.Message}",
                    last);
            }

            TimeSpan delay = ResumeDelay(attempt, serverInterval, last, options);
            RecordResume(broken.Endpoint, attempt, delay, lastEventId);
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, Client.Time, _scope!.Token).ConfigureAwait(false);
                }

                _resuming = true;
                _call!.Request = next;
                _call.ExtraHeader = lastEventId is null ? null : new KeyValuePair<string, string>("Last-Event-ID", lastEventId);
                _call.MaxRetries = 0; // this loop is the retry
                await ConnectAsync().ConfigureAwait(false);
                _resuming = false;
                Resumes++;
                return;
            }
            catch (Exception ex)
            {
                Exception translated = Translate(ex);
                if (!IsResumable(translated))
                {
                    await CloseAsync().ConfigureAwait(false);
                    Throw(translated, ex);
                }

                last = translated;
            }
        }
    }

    /// <summary>Whether a failure is worth a reconnect: a lost or stalled connection, a retryable status, an open circuit.</summary>
    private bool IsResumable(Exception failure) => Client.Options.Resume.Enabled && failure switch
    {
        StreamInterruptedException => true,
        SdkTimeoutException timeout => timeout.Kind != TimeoutKind.Total,
        TransportException or CircuitOpenException => true,
        ApiException api => RetryClassifier.IsRetryableStatus(api.StatusCode),
        _ => false,
    };

    /// <summary>The request that continues the stream: the same request with <c>Last-Event-ID</c>, or the caller's strategy's.</summary>
    private bool TryPrepareResume(StreamConnection<T> broken, out ApiRequest next, out string? lastEventId)
    {
        lastEventId = null;
        next = _request;
        if (_streamOptions?.Resume is StreamResumeStrategy<T> strategy)
        {
            if (Delivered == 0 || strategy.NextRequest(Current!, _request.Clone()) is not { } request)
            {
                return false;
            }

            next = request;
            return true;
        }

        if (broken.Format == StreamFormat.ServerSentEvents && _tracker.Last is { } id)
        {
            lastEventId = id;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The first reconnect waits only for the server's SSE <c>retry:</c> interval (capped); later ones back off
    /// exponentially with jitter. An open circuit's own wait is honoured when it is known.
    /// </summary>
    private static TimeSpan ResumeDelay(int attempt, TimeSpan? serverInterval, Exception last, ResumeOptions options)
    {
        if (last is CircuitOpenException { RetryAfter: { } circuit })
        {
            return circuit < options.MaxDelay ? circuit : options.MaxDelay;
        }

        if (attempt == 0)
        {
            return serverInterval is { } interval ? (interval < options.MaxServerRetryInterval ? interval : options.MaxServerRetryInterval) : TimeSpan.Zero;
        }

        return ReconnectBackoff.Jittered(attempt, options.BaseDelay, options.MaxDelay);
    }

    private void RecordResume(Endpoint endpoint, int attempt, TimeSpan delay, string? lastEventId)
    {
        SdkDiagnostics.Resumes.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint.Prefix));
        SdkDiagnostics.AddEvent(_activity, SdkDiagnostics.ResumeEvent, new ActivityTagsCollection
        {
            ["attempt"] = attempt + 1,
            ["delay_ms"] = delay.TotalMilliseconds,
            ["items_delivered"] = Delivered,
            ["last_event_id"] = lastEventId,
        });
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Throw(Exception exception, Exception? original)
    {
        if (ReferenceEquals(exception, original))
        {
            ExceptionDispatchInfo.Capture(exception).Throw();
        }

        throw exception;
    }
}
