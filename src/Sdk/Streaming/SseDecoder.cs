using System.Net.ServerSentEvents;

namespace Sdk;

/// <summary>
/// Decodes <c>text/event-stream</c> with <see cref="SseParser"/>, covering its gaps against the WHATWG processing model:
/// an empty <c>event:</c> field means <c>message</c>, the type of an event without data does not carry over to the next
/// event, and an <c>id</c> containing NULL never becomes the last event id.
/// Line and event limits are enforced by <see cref="SseLimitStream"/> before the parser buffers anything.
/// </summary>
internal sealed class SseDecoder<T> : StreamDecoder<T>
{
    private readonly SseLimitStream _body;
    private readonly SseParser<bool> _parser;
    private readonly IAsyncEnumerator<SseItem<bool>> _events;
    private string? _rawId;
    private string? _id;

    public SseDecoder(Stream body, DecoderSettings<T> settings, CancellationToken cancellationToken)
        : base(settings)
    {
        _body = new SseLimitStream(body, settings.MaxLineBytes, settings.MaxEventBytes, TooLarge);
        _parser = SseParser.Create(_body, OnEvent);
        _events = _parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>The server's reconnection time from <c>retry:</c>, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan ReconnectionInterval => _parser.ReconnectionInterval;

    public override string? Id
    {
        get
        {
            string raw = _parser.LastEventId;
            if (!ReferenceEquals(raw, _rawId))
            {
                _rawId = raw;
                if (!raw.Contains('\0', StringComparison.Ordinal))
                {
                    _id = raw.Length == 0 ? null : raw;
                }
            }

            return _id;
        }
    }

    public override ValueTask<bool> MoveNextAsync() => _events.MoveNextAsync();

    public override async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync().ConfigureAwait(false);
        await _body.DisposeAsync().ConfigureAwait(false);
    }

    private bool OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        // The parser keeps the type of an event that had no data for the next event; the limit stream knows whether this
        // event had its own event: line. An empty type means "message" too (WHATWG).
        bool stale = _body.NextEventTypeIsStale();
        Decode(stale || eventType.Length == 0 ? "message" : eventType, data);
        return true;
    }
}
