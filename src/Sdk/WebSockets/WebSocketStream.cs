using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Sdk.WebSockets;

/// <summary>
/// The upgraded connection under a session's <see cref="WebSocket"/>. Reads go through a read-ahead buffer, so the socket's
/// small reads (a frame header, then its payload) are served from memory and the connection is read in large chunks.
/// With dead-peer detection (a keep-alive interval and timeout): when a read has waited <c>interval</c> with nothing
/// received, a ping frame is written between the socket's own frames; when nothing at all (its pong or any other frame)
/// arrives within <c>timeout</c> after it, the socket is aborted and <see cref="TimedOut"/> says why.
/// </summary>
/// <remarks>
/// .NET's own keep-alive timeout takes a lock and reads the clock on every read of the connection; here a read costs one
/// field write, and the clock is read by a timer on <see cref="TimeProvider"/> a few times per interval. The wait counts
/// only while a read is pending on the network: a session nobody reads cannot see the pong, and is not stalled. The
/// <see cref="WebSocket"/> writes each frame in one call, so a ping never lands inside one of its frames. The read buffer
/// is the stream's own array, not a pooled one: an aborted socket's pending read may still write into it.
/// </remarks>
internal sealed partial class WebSocketStream : Stream
{
    private readonly Stream _inner;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _readBuffer = new byte[ClientDefaults.WebSocketReadAheadBytes];
    private int _readOffset;
    private int _readCount;
    private int _waiting;
    private long _waitsEnded;
    private int _disposed;

    /// <summary>Wraps the upgraded <paramref name="inner"/> connection, with dead-peer detection when <paramref name="handshake"/> asks for it.</summary>
    public WebSocketStream(Stream inner, WebSocketHandshake handshake)
    {
        _inner = inner;
        _time = handshake.Time;
        _interval = handshake.KeepAliveInterval;
        _timeout = handshake.KeepAliveTimeout;
        _quietSince = _time.GetTimestamp();
        if (handshake.DetectsDeadPeer)
        {
            _timer = StartTimer();
        }
    }

    /// <summary>Whether a read is waiting on the network (the only time the keep-alive counts).</summary>
    public bool ReadPending => Volatile.Read(ref _waiting) != 0;

    /// <summary>Reads that waited on the network and then completed (data arrived, or the connection ended).</summary>
    public long WaitsEnded => Volatile.Read(ref _waitsEnded);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readCount > 0)
        {
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        if (buffer.Length >= _readBuffer.Length)
        {
            ValueTask<int> direct = _inner.ReadAsync(buffer, cancellationToken);
            if (direct.IsCompletedSuccessfully)
            {
                _received = 1;
                return direct;
            }

            return AwaitReadAsync(direct, default);
        }

        ValueTask<int> read = _inner.ReadAsync(_readBuffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            _received = 1;
            _readOffset = 0;
            _readCount = read.Result;
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        return AwaitReadAsync(read, buffer);
    }

    private int CopyOut(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _readCount);
        _readBuffer.AsSpan(_readOffset, count).CopyTo(destination);
        _readOffset += count;
        _readCount -= count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_readCount == 0)
        {
            if (buffer.Length >= _readBuffer.Length)
            {
                int direct = _inner.Read(buffer);
                _received = 1;
                return direct;
            }

            _readOffset = 0;
            _readCount = _inner.Read(_readBuffer);
            _received = 1;
        }

        return CopyOut(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_timer is null)
        {
            return _inner.WriteAsync(buffer, cancellationToken); // no pings: the socket is the only writer, and writes one frame at a time
        }

        if (!_writeLock.Wait(0, cancellationToken))
        {
            return WriteLockedAsync(buffer, cancellationToken);
        }

        bool release = true;
        try
        {
            ValueTask write = _inner.WriteAsync(buffer, cancellationToken);
            if (write.IsCompletedSuccessfully)
            {
                return write;
            }

            release = false;
            return AwaitWriteAsync(write);
        }
        finally
        {
            if (release)
            {
                _writeLock.Release();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_timer is null)
        {
            _inner.Write(buffer);
            return;
        }

        _writeLock.Wait();
        try
        {
            _inner.Write(buffer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A read that waits on the network: into the read buffer, then copied to <paramref name="destination"/> (or, when empty, straight into the caller's).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read, Memory<byte> destination)
    {
        Volatile.Write(ref _waiting, 1);
        try
        {
            int count = await read.ConfigureAwait(false);
            _received = 1;
            if (destination.IsEmpty)
            {
                return count;
            }

            _readOffset = 0;
            _readCount = count;
            return CopyOut(destination.Span);
        }
        finally
        {
            Volatile.Write(ref _waiting, 0);
            Interlocked.Increment(ref _waitsEnded);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWriteAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask WriteLockedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

}
