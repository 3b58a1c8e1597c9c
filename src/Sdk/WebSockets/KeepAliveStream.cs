using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Sdk.WebSockets;

/// <summary>
/// The upgraded connection under a session's <see cref="WebSocket"/>, with dead-peer detection: when a read has waited
/// <c>interval</c> with nothing received, a ping frame is written between the socket's own frames; when nothing at all
/// (its pong or any other frame) arrives within <c>timeout</c> after it, the socket is aborted and
/// <see cref="TimedOut"/> says why.
/// </summary>
/// <remarks>
/// .NET's own keep-alive timeout takes a lock and reads the clock on every read of the connection; here a read costs one
/// field write, and the clock is read by a timer on <see cref="TimeProvider"/> a few times per interval. The wait counts
/// only while a read is pending on the network: a session nobody reads cannot see the pong, and is not stalled. The
/// <see cref="WebSocket"/> writes each frame in one call, so a ping never lands inside one of its frames.
/// </remarks>
internal sealed class KeepAliveStream : Stream
{
    private const int PingFrameLength = 14; // 2 header bytes, a 4-byte mask, 8 bytes of payload

    private readonly Stream _inner;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ITimer _timer;
    private int _received;
    private int _waiting;
    private long _quietSince;
    private long _pingSentAt;
    private long _pings;
    private long _waitsEnded;
    private int _disposed;

    public KeepAliveStream(Stream inner, TimeSpan interval, TimeSpan timeout, TimeProvider time)
    {
        _inner = inner;
        _time = time;
        _interval = interval;
        _timeout = timeout;
        _quietSince = time.GetTimestamp();
        TimeSpan tick = TimeSpan.FromTicks(Math.Max(Math.Min(interval.Ticks, timeout.Ticks) / 4, TimeSpan.TicksPerMillisecond));
        _timer = time.CreateTimer(static s => ((KeepAliveStream)s!).OnTick(), this, tick, tick);
    }

    /// <summary>The socket over this stream, aborted when the peer does not answer.</summary>
    public WebSocket? Socket { get; set; }

    /// <summary>Whether the socket was aborted because the peer did not answer a ping within the timeout.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Pings written so far.</summary>
    public long PingsSent => Volatile.Read(ref _pings);

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
        ValueTask<int> read = _inner.ReadAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            _received = 1;
            return read;
        }

        return AwaitReadAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        _received = 1;
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
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
            _timer.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read)
    {
        Volatile.Write(ref _waiting, 1);
        try
        {
            int count = await read.ConfigureAwait(false);
            _received = 1;
            return count;
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

    /// <summary>
    /// A few times per interval: anything received, or no read waiting, restarts the quiet period; a quiet period of the
    /// interval sends a ping; a ping unanswered for the timeout aborts the socket.
    /// </summary>
    private void OnTick()
    {
        if (Volatile.Read(ref _disposed) != 0 || TimedOut)
        {
            return;
        }

        long now = _time.GetTimestamp();
        if (Interlocked.Exchange(ref _received, 0) != 0 || Volatile.Read(ref _waiting) == 0)
        {
            _quietSince = now;
            _pingSentAt = 0;
            return;
        }

        if (_pingSentAt != 0)
        {
            if (_time.GetElapsedTime(_pingSentAt, now) >= _timeout)
            {
                TimedOut = true;
                if (Socket is { } socket)
                {
                    socket.Abort();
                }
                else
                {
                    _inner.Dispose();
                }
            }

            return;
        }

        if (_time.GetElapsedTime(_quietSince, now) >= _interval)
        {
            _pingSentAt = now;
            _ = SendPingAsync();
        }
    }

    private async Task SendPingAsync()
    {
        byte[] frame = new byte[PingFrameLength];
        frame[0] = 0x89; // FIN, ping
        frame[1] = 0x80 | 8; // masked (a client's frames are), 8 bytes
        RandomNumberGenerator.Fill(frame.AsSpan(2, 4));
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(6), Interlocked.Increment(ref _pings));
        for (int i = 0; i < 8; i++)
        {
            frame[6 + i] ^= frame[2 + (i % 4)];
        }

        try
        {
            await WriteAsync(frame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is gone: the pending read fails with it, and the timeout still applies meanwhile.
        }
    }
}
