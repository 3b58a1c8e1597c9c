using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk;

/// <summary>What a decoded event turned out to be.</summary>
internal enum DecodedKind
{
    Item,
    Unknown,
    Sentinel,
}

/// <summary>Settings a decoder needs, resolved once per stream from the client and call options.</summary>
internal sealed class DecoderSettings<T>
{
    public required JsonTypeInfo<T> ItemType { get; init; }

    public required byte[]? Sentinel { get; init; }

    public required HashSet<string>? EventTypes { get; init; }

    public required int MaxLineBytes { get; init; }

    public required int MaxEventBytes { get; init; }

    public required bool CaptureRaw { get; init; }

    /// <summary>Keeps each event's bytes in one reused buffer (valid until the next event): for stream-event hooks, without a copy per event.</summary>
    public bool ScratchRaw { get; init; }

    public required string RequestName { get; init; }
}

/// <summary>
/// Turns a body into events, one <see cref="MoveNextAsync"/> at a time. The current event's kind, type, id, value and
/// (when capturing) raw bytes are in fields, so nothing is allocated per event beyond the item itself.
/// </summary>
internal abstract class StreamDecoder<T> : IAsyncDisposable
{
    private readonly byte[]? _sentinel;
    private readonly HashSet<string>? _eventTypes;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly bool _captureRaw;
    private readonly bool _scratchRaw;
    private byte[] _scratch = [];

    protected StreamDecoder(DecoderSettings<T> settings)
    {
        Settings = settings;
        _sentinel = settings.Sentinel;
        _eventTypes = settings.EventTypes;
        _itemType = settings.ItemType;
        _captureRaw = settings.CaptureRaw;
        _scratchRaw = settings.ScratchRaw && !settings.CaptureRaw;
    }

    protected DecoderSettings<T> Settings { get; }

    public DecodedKind Kind { get; protected set; }

    public T? Value { get; protected set; }

    public string EventType { get; protected set; } = "message";

    public ReadOnlyMemory<byte> Raw { get; protected set; }

    /// <summary>The number of events decoded so far (all kinds).</summary>
    public long EventCount { get; protected set; }

    /// <summary>The last event id in force for the current event (SSE only).</summary>
    public virtual string? Id => null;

    public abstract ValueTask<bool> MoveNextAsync();

    public abstract ValueTask DisposeAsync();

    /// <summary>Classifies one event's data and decodes it when it is a known item.</summary>
    protected void Decode(string eventType, ReadOnlySpan<byte> data)
    {
        EventCount++;
        EventType = eventType;
        if (_captureRaw)
        {
            Raw = data.ToArray();
        }
        else if (_scratchRaw)
        {
            if (_scratch.Length < data.Length)
            {
                _scratch = new byte[Math.Max(data.Length, Math.Min(2 * _scratch.Length, Settings.MaxEventBytes))];
            }

            data.CopyTo(_scratch);
            Raw = _scratch.AsMemory(0, data.Length);
        }

        if (_sentinel is not null && data.SequenceEqual(_sentinel))
        {
            Kind = DecodedKind.Sentinel;
            Value = default;
            return;
        }

        if (data.IsEmpty || (_eventTypes is not null && !_eventTypes.Contains(eventType)))
        {
            Kind = DecodedKind.Unknown;
            Value = default;
            return;
        }

        Value = DeserializeItem(data);
        Kind = DecodedKind.Item;
    }

    private T DeserializeItem(ReadOnlySpan<byte> data)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(data, _itemType);
        }
        catch (JsonException ex)
        {
            throw InvalidItem($"is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }

        return value ?? throw InvalidItem($"is JSON null, not a {typeof(T).Name}.", null);
    }

    private InvalidResponseException InvalidItem(string problem, Exception? inner)
    {
        long index = EventCount - 1;
        return new InvalidResponseException(
            InvalidResponseReason.InvalidJson,
            string.Create(CultureInfo.InvariantCulture, $"{Settings.RequestName}: stream event {index} {problem}"),
            inner)
        { EventIndex = index };
    }

    protected InvalidResponseException TooLarge(InvalidResponseReason reason, long size)
    {
        string what = reason == InvalidResponseReason.LineTooLong ? "line" : "event";
        int limit = reason == InvalidResponseReason.LineTooLong ? Settings.MaxLineBytes : Settings.MaxEventBytes;
        return new InvalidResponseException(
            reason,
            string.Create(CultureInfo.InvariantCulture, $"{Settings.RequestName}: a stream {what} exceeded the limit of {limit} bytes (at least {size} bytes); the stream was stopped before buffering it."))
        { EventIndex = EventCount };
    }
}

/// <summary>Thrown by a decoder when the body ended inside a structure; the stream turns it into <see cref="StreamInterruptedException"/>.</summary>
internal sealed class TruncatedStreamException : Exception
{
    public TruncatedStreamException(string message)
        : base(message)
    {
    }
}
