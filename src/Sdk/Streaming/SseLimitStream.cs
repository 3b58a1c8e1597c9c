using System.Buffers;
using System.Runtime.CompilerServices;

namespace Sdk;

/// <summary>
/// Wraps an SSE body and scans each line as bytes arrive, before <see cref="System.Net.ServerSentEvents.SseParser"/> buffers
/// them. It enforces the line and event limits (bounded memory on bad input) and records, for every event the parser will
/// dispatch, whether that event had its own <c>event:</c> field: the .NET parser keeps the type of an event without data
/// for the next event, where the WHATWG model resets it. One vectorized newline search per line; no allocation per event.
/// </summary>
/// <remarks>
/// It reads the body in blocks of <see cref="ReadAheadSize"/> and serves the parser's small reads (1 KiB) from them: when the
/// server sends many events per write, that is one socket read per block instead of one per 4 KiB connection buffer.
/// A read returns whatever has arrived; it never waits to fill a block, so latency is unchanged.
/// When a limit is broken, the bytes of the complete events before the offending one are still handed to the parser and the
/// error is raised by the following read, so nothing already complete is lost.
/// </remarks>
internal sealed class SseLimitStream : ReadOnlyStream
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const long DataName = 0x64617461;     // "data"
    private const long EventName = 0x6576656E74;  // "event"
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private readonly Stream _inner;
    private readonly int _maxLine;
    private readonly int _maxEvent;
    private readonly Func<InvalidResponseReason, long, Exception> _fail;
    private const int ReadAheadSize = 32 * 1024;
    private readonly Queue<long> _typeResets = new();
    private byte[] _readAhead = [];
    private int _readAheadStart;
    private int _readAheadEnd;
    private Exception? _pending;
    private long _lineLength;
    private long _eventLength;
    private bool _lineIsComment;
    private bool _afterCarriageReturn;
    private int _bomMatched;
    private bool _bomDone;
    private long _name;
    private int _nameLength;
    private bool _nameDone;
    private bool _eventHasData;
    private bool _eventHasType;
    private bool _staleType;
    private long _dispatched;
    private long _served;

    public SseLimitStream(Stream inner, int maxLine, int maxEvent, Func<InvalidResponseReason, long, Exception> fail)
    {
        _inner = inner;
        _maxLine = maxLine;
        _maxEvent = maxEvent;
        _fail = fail;
    }

    /// <summary>
    /// For the next event the parser dispatches: whether the type it reports is stale, left over from an earlier event
    /// without data. Per event this is a counter and a count check; the queue is touched only after such an event.
    /// </summary>
    public bool NextEventTypeIsStale()
    {
        long index = _served++;
        if (_typeResets.Count == 0 || _typeResets.Peek() != index)
        {
            return false;
        }

        _typeResets.Dequeue();
        return true;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is { } pending)
        {
            return ValueTask.FromException<int>(pending);
        }

        if (_readAheadStart < _readAheadEnd || buffer.IsEmpty)
        {
            return new ValueTask<int>(Serve(buffer.Span));
        }

        if (_readAhead.Length == 0)
        {
            _readAhead = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        }

        ValueTask<int> read = _inner.ReadAsync(_readAhead, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Fill(read.Result, buffer.Span)) : AwaitAndServeAsync(read, buffer);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_pending is { } pending)
        {
            throw pending;
        }

        if (_readAheadStart < _readAheadEnd || buffer.IsEmpty)
        {
            return Serve(buffer);
        }

        if (_readAhead.Length == 0)
        {
            _readAhead = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        }

        return Fill(_inner.Read(_readAhead), buffer);
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            byte[] readAhead = _readAhead;
            _readAhead = [];
            _readAheadStart = _readAheadEnd = 0;
            if (readAhead.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(readAhead);
            }
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitAndServeAsync(ValueTask<int> read, Memory<byte> buffer)
    {
        int count = await read.ConfigureAwait(false);
        return Fill(count, buffer.Span);
    }

    /// <summary>Records a block just read into the read-ahead buffer and serves the parser from it; 0 is the end of the body.</summary>
    private int Fill(int count, Span<byte> destination)
    {
        _readAheadStart = 0;
        _readAheadEnd = count;
        return count == 0 ? 0 : Serve(destination);
    }

    /// <summary>Copies buffered bytes to the parser's buffer, scanning exactly what it will see.</summary>
    private int Serve(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _readAheadEnd - _readAheadStart);
        _readAhead.AsSpan(_readAheadStart, count).CopyTo(destination);
        _readAheadStart += count;
        return Scan(destination[..count]);
    }

    /// <summary>
    /// Advances the counters over newly read bytes (CR, LF and CRLF all end a line) and returns how many of them the parser
    /// may see: all of them, or, when a limit is broken, those up to the end of the last complete event.
    /// </summary>
    internal int Scan(ReadOnlySpan<byte> data)
    {
        int offset = SkipBom(data);
        int completeUpTo = 0;
        while (offset < data.Length)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (data[offset] == LF)
                {
                    offset++;
                    continue;
                }
            }

            ReadOnlySpan<byte> rest = data[offset..];
            if (_lineLength == 0)
            {
                _lineIsComment = rest[0] == (byte)':';
            }

            int end = rest.IndexOfAny(CR, LF);
            int segment = end < 0 ? rest.Length : end;
            if (!_nameDone)
            {
                CollectName(rest[..segment]);
            }

            _lineLength += segment;
            if (_lineLength > _maxLine)
            {
                return Fail(InvalidResponseReason.LineTooLong, _lineLength, completeUpTo);
            }

            if (!_lineIsComment && _eventLength + _lineLength > _maxEvent)
            {
                return Fail(InvalidResponseReason.EventTooLarge, _eventLength + _lineLength, completeUpTo);
            }

            if (end < 0)
            {
                return data.Length;
            }

            int lineEnd = offset + end;
            if (_lineLength == 0)
            {
                // A blank line dispatches the event if it has data (as the parser does). An event without data but with a
                // type leaves that type in the parser for the next event, which the WHATWG model resets: note which one.
                if (_eventHasData)
                {
                    if (_staleType && !_eventHasType)
                    {
                        _typeResets.Enqueue(_dispatched);
                    }

                    _staleType = false;
                    _dispatched++;
                }
                else if (_eventHasType)
                {
                    _staleType = true;
                }

                _eventHasData = _eventHasType = false;
                _eventLength = 0;

                // Hand the parser the byte after a CR too, so it can tell CR from CRLF and dispatch without waiting for more.
                completeUpTo = Math.Min(lineEnd + (data[lineEnd] == CR ? 2 : 1), data.Length);
            }
            else
            {
                _eventHasData |= _nameLength == 4 && _name == DataName;
                _eventHasType |= _nameLength == 5 && _name == EventName;
                if (!_lineIsComment)
                {
                    _eventLength += _lineLength + 1;
                }
            }

            _lineLength = 0;
            _name = 0;
            _nameLength = 0;
            _nameDone = false;
            _afterCarriageReturn = data[lineEnd] == CR;
            offset = lineEnd + 1;
        }

        return data.Length;
    }

    /// <summary>Collects the field name (the bytes before the first colon) of the current line, up to six bytes.</summary>
    private void CollectName(ReadOnlySpan<byte> segment)
    {
        // The common case, a whole "data:" or "event:" at the start of a line, without the byte loop.
        if (_nameLength == 0)
        {
            if (segment.StartsWith("data:"u8))
            {
                (_name, _nameLength, _nameDone) = (DataName, 4, true);
                return;
            }

            if (segment.StartsWith("event:"u8))
            {
                (_name, _nameLength, _nameDone) = (EventName, 5, true);
                return;
            }
        }

        for (int i = 0; i < segment.Length; i++)
        {
            byte b = segment[i];
            if (b == (byte)':' || _nameLength == 6)
            {
                _nameDone = true;
                return;
            }

            _name = (_name << 8) | b;
            _nameLength++;
        }
    }

    /// <summary>Skips a UTF-8 BOM at the very start of the stream, as the parser does.</summary>
    private int SkipBom(ReadOnlySpan<byte> data)
    {
        int offset = 0;
        while (!_bomDone && offset < data.Length)
        {
            if (data[offset] != Bom[_bomMatched])
            {
                // Not a BOM after all: the bytes matched so far are ordinary content of the first line.
                _bomDone = true;
                _lineLength += _bomMatched;
                _nameDone |= _bomMatched > 0;
                _nameLength = _bomMatched > 0 ? 6 : 0;
                break;
            }

            offset++;
            if (++_bomMatched == Bom.Length)
            {
                _bomDone = true;
            }
        }

        return offset;
    }

    private int Fail(InvalidResponseReason reason, long size, int completeUpTo)
    {
        Exception error = _fail(reason, size);
        if (completeUpTo == 0)
        {
            throw error;
        }

        _pending = error;
        return completeUpTo;
    }
}
