using System.Runtime.CompilerServices;

namespace Sdk;

/// <summary>
/// Decodes newline-delimited JSON: each non-blank line (LF or CRLF) is one item; a last line without a newline counts.
/// The line buffer is pooled and grows only up to the line limit.
/// </summary>
internal sealed class NdJsonDecoder<T> : BufferedStreamDecoder<T>
{
    private readonly int _maxLine;
    private int _start;
    private int _end;
    private int _searched;
    private bool _eof;

    public NdJsonDecoder(Stream body, DecoderSettings<T> settings, CancellationToken cancellationToken)
        : base(body, settings, cancellationToken)
    {
        _maxLine = Math.Min(settings.MaxLineBytes, settings.MaxEventBytes);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> MoveNextAsync()
    {
        while (true)
        {
            int newline = Buffer.AsSpan(_searched, _end - _searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                newline += _searched;
                int lineStart = _start;
                CheckLength(newline - lineStart);
                _start = _searched = newline + 1;
                if (TryDecodeLine(Buffer.AsSpan(lineStart, newline - lineStart)))
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
                    if (TryDecodeLine(Buffer.AsSpan(lineStart, _end - lineStart)))
                    {
                        return true;
                    }
                }

                return false;
            }

            MakeRoom();
            int read = await ReadAsync(_end).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
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
        if (_end < Buffer.Length)
        {
            return;
        }

        // Compact when the line does not start at the front; otherwise grow (up to just past the line limit).
        int pending = _end - _start;
        int size = _start > 0 ? Buffer.Length : Math.Max((int)Math.Min((long)Buffer.Length * 2, (long)_maxLine + 2), Buffer.Length + 1);
        MoveTo(_start, pending, size);
        _searched -= _start;
        _start = 0;
        _end = pending;
    }
}
