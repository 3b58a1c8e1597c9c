using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Sdk;

/// <summary>
/// Decodes a top-level JSON array element by element as bytes arrive. <see cref="Utf8JsonReader"/> walks tokens and
/// resumes from the last complete token after each read (no re-scan), tracking depth to find where an element ends; the
/// element is then deserialized from the buffered bytes. Only the current element is buffered, up to the event limit; a
/// body that ends before <c>]</c> is reported as truncated.
/// </summary>
internal sealed class JsonArrayDecoder<T> : BufferedStreamDecoder<T>
{
    private int _scan;
    private int _end;
    private int _elementStart = -1;
    private int _depth;
    private bool _eof;
    private bool _inArray;
    private bool _bomChecked;
    private bool _done;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

    public JsonArrayDecoder(Stream body, DecoderSettings<T> settings, CancellationToken cancellationToken)
        : base(body, settings, cancellationToken)
    {
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> MoveNextAsync()
    {
        while (!_done)
        {
            switch (TryReadElement())
            {
                case ReadResult.Element:
                    return true;
                case ReadResult.End:
                    _done = true;
                    return false;
            }

            if (_eof && !_inArray && !Buffer.AsSpan(_scan, _end - _scan).Trim(" \t\r\n"u8).IsEmpty)
            {
                throw new InvalidResponseException(
                    InvalidResponseReason.InvalidJson,
                    $"{Settings.RequestName}: a JSON stream must be a top-level array, but the body is a single value.")
                { EventIndex = 0 };
            }

            if (_eof)
            {
                throw new TruncatedStreamException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Settings.RequestName}: the JSON array ended after {EventCount} elements without its closing bracket."));
            }

            MakeRoom();
            int read = await ReadAsync(_end).ConfigureAwait(false);
            _eof = read == 0;
            _end += read;
        }

        return false;
    }

    private ReadResult TryReadElement()
    {
        if (!_bomChecked)
        {
            if (_end - _scan < 3 && !_eof)
            {
                return ReadResult.NeedMore;
            }

            _bomChecked = true;
            if (Buffer.AsSpan(_scan, _end - _scan).StartsWith("\uFEFF"u8))
            {
                _scan += 3;
            }
        }

        // Never a final block: at the end of the body an unfinished array is a truncation, reported as such, not a syntax error.
        var reader = new Utf8JsonReader(Buffer.AsSpan(_scan, _end - _scan), isFinalBlock: false, _state);
        try
        {
            while (reader.Read())
            {
                if (!_inArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new InvalidResponseException(
                            InvalidResponseReason.InvalidJson,
                            $"{Settings.RequestName}: a JSON stream must be a top-level array, but it starts with {reader.TokenType}.")
                        { EventIndex = 0 };
                    }

                    _inArray = true;
                    continue;
                }

                if (_elementStart < 0)
                {
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        Commit(ref reader);
                        return ReadResult.End;
                    }

                    _elementStart = _scan + (int)reader.TokenStartIndex;
                    _depth = 0;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    _depth++;
                }
                else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    _depth--;
                }

                if (_depth == 0 && reader.TokenType != JsonTokenType.PropertyName)
                {
                    int elementEnd = _scan + (int)reader.BytesConsumed;
                    int elementStart = _elementStart;
                    Commit(ref reader);
                    _elementStart = -1;
                    CheckSize(elementEnd - elementStart);
                    Decode("message", Buffer.AsSpan(elementStart, elementEnd - elementStart));
                    return ReadResult.Element;
                }
            }

            Commit(ref reader);
            CheckSize(_end - (_elementStart < 0 ? _scan : _elementStart));
            return ReadResult.NeedMore;
        }
        catch (JsonException ex)
        {
            throw new InvalidResponseException(
                InvalidResponseReason.InvalidJson,
                string.Create(CultureInfo.InvariantCulture, $"{Settings.RequestName}: the JSON array is malformed near element {EventCount}: {ex.Message}"),
                ex)
            { EventIndex = EventCount };
        }
    }

    private void CheckSize(int size)
    {
        if (size > Settings.MaxEventBytes)
        {
            throw TooLarge(InvalidResponseReason.EventTooLarge, size);
        }
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        _scan += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    /// <summary>Keeps only the bytes still needed (the current element, or the unread tail) and makes room to read more.</summary>
    private void MakeRoom()
    {
        int keepFrom = _elementStart >= 0 ? _elementStart : _scan;
        int pending = _end - keepFrom;
        if (_end < Buffer.Length && keepFrom < Buffer.Length / 2)
        {
            return;
        }

        // Compact when what is kept fills less than half the buffer; otherwise grow (up to just past the event limit).
        int size = pending < Buffer.Length / 2 ? Buffer.Length : (int)Math.Min((long)Buffer.Length * 2, (long)Settings.MaxEventBytes + InitialBufferSize);
        MoveTo(keepFrom, pending, size);
        _scan -= keepFrom;
        if (_elementStart >= 0)
        {
            _elementStart = 0;
        }

        _end = pending;
    }

    private enum ReadResult
    {
        NeedMore,
        Element,
        End,
    }
}
