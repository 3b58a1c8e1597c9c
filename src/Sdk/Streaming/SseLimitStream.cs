using System.Runtime.CompilerServices;

namespace Sdk;

/// <summary>
/// Wraps an SSE body and checks, as bytes arrive and before the parser buffers them, that no line exceeds the line limit
/// and no event (its non-comment lines up to the blank line) exceeds the event limit. Keeps memory bounded on bad input.
/// One vectorized newline search per line; no allocation.
/// </summary>
internal sealed class SseLimitStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxLine;
    private readonly int _maxEvent;
    private readonly Func<InvalidResponseReason, long, Exception> _fail;
    private long _lineLength;
    private long _eventLength;
    private bool _lineIsComment;
    private bool _afterCarriageReturn;

    public SseLimitStream(Stream inner, int maxLine, int maxEvent, Func<InvalidResponseReason, long, Exception> fail)
    {
        _inner = inner;
        _maxLine = maxLine;
        _maxEvent = maxEvent;
        _fail = fail;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> pending = _inner.ReadAsync(buffer, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            int read = pending.Result;
            Scan(buffer.Span[..read]);
            return new ValueTask<int>(read);
        }

        return AwaitAndScanAsync(pending, buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        Scan(buffer[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitAndScanAsync(ValueTask<int> pending, Memory<byte> buffer)
    {
        int read = await pending.ConfigureAwait(false);
        Scan(buffer.Span[..read]);
        return read;
    }

    /// <summary>Advances the line/event counters over newly read bytes; CR, LF and CRLF all end a line.</summary>
    internal void Scan(ReadOnlySpan<byte> span)
    {
        while (!span.IsEmpty)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (span[0] == (byte)'\n')
                {
                    span = span[1..];
                    continue;
                }
            }

            if (_lineLength == 0)
            {
                _lineIsComment = span[0] == (byte)':';
            }

            int end = span.IndexOfAny((byte)'\r', (byte)'\n');
            int segment = end < 0 ? span.Length : end;
            _lineLength += segment;
            if (_lineLength > _maxLine)
            {
                throw _fail(InvalidResponseReason.LineTooLong, _lineLength);
            }

            if (!_lineIsComment && _eventLength + _lineLength > _maxEvent)
            {
                throw _fail(InvalidResponseReason.EventTooLarge, _eventLength + _lineLength);
            }

            if (end < 0)
            {
                return;
            }

            if (_lineLength == 0)
            {
                _eventLength = 0; // a blank line dispatches the event
            }
            else if (!_lineIsComment)
            {
                _eventLength += _lineLength + 1;
            }

            _lineLength = 0;
            _afterCarriageReturn = span[end] == (byte)'\r';
            span = span[(end + 1)..];
        }
    }
}
