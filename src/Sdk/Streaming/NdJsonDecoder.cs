using System.Buffers;
using System.Runtime.CompilerServices;

namespace Sdk;

/// <summary>
/// Decodes newline-delimited JSON: each non-blank line (LF or CRLF) is one item; a last line without a newline counts.
/// The line buffer is pooled and grows only up to the line limit.
/// </summary>
internal sealed class NdJsonDecoder<T> : StreamDecoder<T>
{
    private const int InitialBufferSize = 16 * 1024;
    private readonly Stream _body;
    private readonly CancellationToken _cancellationToken;
    private readonly int _maxLine;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _searched;
    private bool _eof;

    public NdJsonDecoder(Stream body, DecoderSettings<T> settings, CancellationToken cancellationToken)
        : base(settings)
    {
        _body = body;
        _cancellationToken = cancellationToken;
        _maxLine = Math.Min(settings.MaxLineBytes, settings.MaxEventBytes);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> MoveNextAsync()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_searched, _end - _searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                newline += _searched;
                int lineStart = _start;
                CheckLength(newline - lineStart);
                _start = _searched = newline + 1;
                if (TryDecodeLine(_buffer.AsSpan(lineStart, newline - lineStart)))
                {
                    return true;
                }

                continue;
            }

            _searched = _end;
            CheckLength(_end - _start);

            if (_eof)
            {
                if (_start < _end)
                {
                    int lineStart = _start;
                    _start = _searched = _end;
                    if (TryDecodeLine(_buffer.AsSpan(lineStart, _end - lineStart)))
                    {
                        return true;
                    }
                }

                return false;
            }

            MakeRoom();
            int read = await _body.ReadAsync(_buffer.AsMemory(_end), _cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    public override ValueTask DisposeAsync()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return _body.DisposeAsync();
    }

    /// <summary>A line is one item, so both the line and the event limit apply to it.</summary>
    private void CheckLength(long length)
    {
        if (length > Settings.MaxLineBytes)
        {
            throw TooLarge(InvalidResponseReason.LineTooLong, length);
        }

        if (length > Settings.MaxEventBytes)
        {
            throw TooLarge(InvalidResponseReason.EventTooLarge, length);
        }
    }

    private bool TryDecodeLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        line = line.Trim(" \t"u8);
        if (line.IsEmpty)
        {
            return false;
        }

        Decode("message", line);
        return true;
    }

    /// <summary>Moves unread bytes to the front, or grows the buffer (up to just past the line limit) when it is full.</summary>
    private void MakeRoom()
    {
        if (_end < _buffer.Length)
        {
            return;
        }

        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }
        else
        {
            int size = (int)Math.Min((long)_buffer.Length * 2, (long)_maxLine + 2);
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _buffer.Length + 1));
            Buffer.BlockCopy(_buffer, 0, larger, 0, pending);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _searched -= _start;
        _start = 0;
        _end = pending;
    }
}
