using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Sdk.Transport;

/// <summary>
/// A transport for your own unit tests: no network. Queue <see cref="ScriptedResponse"/>s (played in order, one per
/// attempt) or set a <see cref="Responder"/>; every request is recorded in <see cref="Requests"/>. Delays and stalls run on
/// the <see cref="TimeProvider"/> given here, so a manual clock drives them.
/// </summary>
/// <example>
/// <code>
/// var transport = new InMemoryTransport();
/// transport.Enqueue(ScriptedResponse.Sse().Event("{\"text\":\"hi\"}").Done());
/// await using SdkClient client = SdkClient.CreateBuilder(options).UseTransport(transport).Build();
/// </code>
/// </example>
public sealed class InMemoryTransport : SdkTransport
{
    private readonly ConcurrentQueue<ScriptedResponse> _queue = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly TimeProvider _time;

    /// <summary>Creates the transport.</summary>
    /// <param name="timeProvider">The clock for scripted delays and stalls; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryTransport(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Answers requests when the queue is empty; <see langword="null"/> makes such a request fail.</summary>
    public Func<RecordedRequest, ScriptedResponse>? Responder { get; set; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Queues a response for the next attempt.</summary>
    /// <param name="response">The script.</param>
    /// <returns>This transport.</returns>
    public InMemoryTransport Enqueue(ScriptedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _queue.Enqueue(response);
        return this;
    }

    /// <inheritdoc />
    protected override async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            headers[header.Key] = header.Value.ToString();
        }

        if (request.Content is not null)
        {
            foreach (KeyValuePair<string, HeaderStringValues> header in request.Content.Headers.NonValidated)
            {
                headers[header.Key] = header.Value.ToString();
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        _requests.Enqueue(recorded);

        ScriptedResponse script = _queue.TryDequeue(out ScriptedResponse? queued)
            ? queued
            : Responder?.Invoke(recorded) ?? throw new InvalidOperationException($"InMemoryTransport has no scripted response for {recorded}.");

        if (script.HeaderDelay > TimeSpan.Zero)
        {
            await Task.Delay(script.HeaderDelay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (script.FailureBeforeHeaders is { } failure)
        {
            throw failure;
        }

        var response = new HttpResponseMessage(script.StatusCode)
        {
            RequestMessage = request,
            Content = new ScriptedContent(script.Steps, _time),
        };
        if (script.ContentType is not null)
        {
            response.Content.Headers.TryAddWithoutValidation("Content-Type", script.ContentType);
        }

        foreach (KeyValuePair<string, string> header in script.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return response;
    }
}
