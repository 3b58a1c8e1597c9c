using System.Buffers;
using System.Net.WebSockets;

namespace Sdk.WebSockets;

/// <summary>A message waiting to be written: its value (for the acknowledgement matcher) and its encoded bytes, in a pooled array.</summary>
internal readonly struct OutgoingMessage<T>(T value, byte[] buffer, int length, WebSocketMessageType type)
{
    public T Value { get; } = value;

    public ReadOnlyMemory<byte> Data => buffer.AsMemory(0, length);

    public int Length => length;

    public WebSocketMessageType Type { get; } = type;

    public void Return() => ArrayPool<byte>.Shared.Return(buffer);
}

/// <summary>An <see cref="IBufferWriter{T}"/> over pooled arrays whose final array is handed to the message (no copy).</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    [ThreadStatic]
    private static PooledBufferWriter? t_cached;

    private byte[] _buffer = [];
    private int _written;

    /// <summary>A writer for this thread, empty.</summary>
    public static PooledBufferWriter Rent()
    {
        PooledBufferWriter writer = t_cached ?? new PooledBufferWriter();
        t_cached = null;
        writer._buffer = ArrayPool<byte>.Shared.Rent(512);
        writer._written = 0;
        return writer;
    }

    /// <summary>Hands the written bytes over and gives the writer back to this thread.</summary>
    public byte[] Detach(out int length)
    {
        byte[] buffer = _buffer;
        length = _written;
        _buffer = [];
        _written = 0;
        t_cached = this;
        return buffer;
    }

    /// <summary>Returns the array (an encoding failed) and gives the writer back.</summary>
    public void Abandon()
    {
        ArrayPool<byte>.Shared.Return(Detach(out _));
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
