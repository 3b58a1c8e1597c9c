using System.Buffers.Binary;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>Reads whole WebSocket frames from a stream (after the bytes already read past the handshake).</summary>
public sealed class RawFrameReader
{
    /// <summary>The largest payload read; a bigger frame ends reading with <see cref="InvalidDataException"/>.</summary>
    public const int MaxPayload = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public RawFrameReader(Stream stream, ReadOnlySpan<byte> leftover = default)
    {
        _stream = stream;
        _buffer = new byte[Math.Max(16 * 1024, leftover.Length)];
        leftover.CopyTo(_buffer);
        _end = leftover.Length;
    }

    /// <summary>The next frame, or <see langword="null"/> when the stream ended (cleanly between frames or not).</summary>
    public async Task<RawWsFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(2, cancellationToken))
        {
            return null;
        }

        byte b0 = _buffer[_start];
        byte b1 = _buffer[_start + 1];
        bool masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int header = 2 + lengthBytes + (masked ? 4 : 0);
        if (!await FillAsync(header, cancellationToken))
        {
            return null;
        }

        ulong length = lengthBytes switch
        {
            0 => (ulong)length7,
            2 => BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2)),
            _ => BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2)),
        };
        if (length > MaxPayload)
        {
            throw new InvalidDataException($"A client frame of {length} bytes is more than {MaxPayload}.");
        }

        if (!await FillAsync(header + (int)length, cancellationToken))
        {
            return null;
        }

        byte[] payload = _buffer.AsSpan(_start + header, (int)length).ToArray();
        if (masked)
        {
            ReadOnlySpan<byte> key = _buffer.AsSpan(_start + 2 + lengthBytes, 4);
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i % 4];
            }
        }

        _start += header + (int)length;
        return new RawWsFrame((b0 & 0x80) != 0, (b0 & 0x40) != 0, (b0 & 0x20) != 0, (b0 & 0x10) != 0, (byte)(b0 & 0x0F), masked, payload);
    }

    private async Task<bool> FillAsync(int needed, CancellationToken cancellationToken)
    {
        if (_end - _start >= needed)
        {
            return true;
        }

        if (_buffer.Length - _start < needed)
        {
            byte[] bigger = _buffer.Length >= needed ? _buffer : new byte[Math.Max(needed, _buffer.Length * 2)];
            Array.Copy(_buffer, _start, bigger, 0, _end - _start);
            _buffer = bigger;
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < needed)
        {
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }
}
