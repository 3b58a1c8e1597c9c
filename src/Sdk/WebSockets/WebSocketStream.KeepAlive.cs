using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Security.Cryptography;

namespace Sdk.WebSockets;

/// <summary>The dead-peer detection: a ping after a quiet interval, an abort when nothing answers within the timeout.</summary>
internal sealed partial class WebSocketStream
{
    private const int PingFrameLength = 14; // 2 header bytes, a 4-byte mask, 8 bytes of payload

    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly ITimer? _timer;
    private int _received;
    private long _quietSince;
    private long _pingSentAt;
    private long _pings;

    /// <summary>Whether this stream pings and aborts a socket whose peer does not answer.</summary>
    public bool DetectsDeadPeer => _timer is not null;

    /// <summary>The socket over this stream, aborted when the peer does not answer.</summary>
    public WebSocket? Socket { get; set; }

    /// <summary>Whether the socket was aborted because the peer did not answer a ping within the timeout.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Pings written so far.</summary>
    public long PingsSent => Volatile.Read(ref _pings);

    /// <summary>The checks, a few times per interval; the timer holds the stream weakly, so a socket its owner dropped without disposing is collected, timer and all.</summary>
    private ITimer StartTimer()
    {
        TimeSpan tick = TimeSpan.FromTicks(Math.Max(Math.Min(_interval.Ticks, _timeout.Ticks) / 4, TimeSpan.TicksPerMillisecond));
        return _time.CreateTimer(
            static s =>
            {
                if (((WeakReference<WebSocketStream>)s!).TryGetTarget(out WebSocketStream? stream))
                {
                    stream.OnTick();
                }
            },
            new WeakReference<WebSocketStream>(this),
            tick,
            tick);
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

        if (_time.GetElapsedTime(_quietSince, now) >= _interval && (Socket is null || Socket.State == WebSocketState.Open))
        {
            // Open only: no frame may follow a close frame, and a closing socket has its own timeout.
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
