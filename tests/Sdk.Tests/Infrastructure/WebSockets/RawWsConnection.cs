using System.Net.Sockets;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// One connection of <see cref="RawWsServer"/> after the handshake: the stream to write raw bytes to, the request, and
/// the frames the client sent (when they are being read). Scripts write through <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// (serialized with the server's own close answer).
/// </summary>
public sealed class RawWsConnection
{
    private readonly Socket _socket;
    private readonly RawFrameReader _reader;
    private readonly ChangeSignal _signal;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<RawWsFrame> _frames = [];
    private readonly TaskCompletionSource _clientGone = StreamServer.Signal();
    private Task? _draining;
    private int _sentClose;
    private int _closeAnswered;
    private bool _scriptDone;
    private bool _answerClose;

    internal RawWsConnection(int index, Socket socket, Stream stream, string request, byte[] leftover, ChangeSignal signal)
    {
        Index = index;
        _socket = socket;
        Stream = stream;
        Request = request;
        Headers = RawWsHandshake.ParseHeaders(request);
        _reader = new RawFrameReader(stream, leftover);
        _signal = signal;
    }

    /// <summary>Index of the connection among those the server accepted, from 0.</summary>
    public int Index { get; }

    /// <summary>The raw request head, up to and including the blank line.</summary>
    public string Request { get; }

    /// <summary>The first line of the request, for example <c>GET /ws HTTP/1.1</c>.</summary>
    public string RequestLine => Request[..Request.IndexOf("\r\n", StringComparison.Ordinal)];

    /// <summary>The request's header fields (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The connection's stream. Prefer <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> for writing.</summary>
    public Stream Stream { get; }

    /// <summary>Frames read from the client so far (a snapshot), unmasked.</summary>
    public IReadOnlyList<RawWsFrame> ClientFrames
    {
        get
        {
            lock (_lock)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Whether a close frame was written to the client (by the script or the server).</summary>
    public bool SentClose => Volatile.Read(ref _sentClose) != 0;

    /// <summary>Completes when the client's side of the connection ended (it closed or reset the TCP connection).</summary>
    public Task ClientGone => _clientGone.Task;

    /// <summary>Writes <paramref name="bytes"/> and flushes; a close frame among whole frames is noted in <see cref="SentClose"/>.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (ContainsCloseFrame(bytes.Span))
            {
                Volatile.Write(ref _sentClose, 1);
            }

            await Stream.WriteAsync(bytes, cancellationToken);
            await Stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    public Task WriteAsync(byte[] bytes, CancellationToken cancellationToken = default) => WriteAsync(bytes.AsMemory(), cancellationToken);

    /// <summary>Writes the frames one after the other in one write.</summary>
    public Task WriteAsync(params byte[][] frames) => WriteAsync(Frames.Concat(frames).AsMemory(), CancellationToken.None);

    /// <summary>Reads the client's next frame yourself (only when <see cref="RawWsOptions.DrainClient"/> is false, during the script).</summary>
    public Task<RawWsFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_draining is not null)
        {
            throw new InvalidOperationException("The server is reading this connection's frames; use WaitForClientFrameAsync.");
        }

        return _reader.ReadFrameAsync(cancellationToken);
    }

    /// <summary>Waits until the client has sent a frame matching <paramref name="predicate"/> and returns the first such.</summary>
    public async Task<RawWsFrame> WaitForClientFrameAsync(Func<RawWsFrame, bool> predicate, TimeSpan timeout)
    {
        RawWsFrame? found = null;
        await _signal.WaitUntilAsync(
            () => (found = ClientFrames.FirstOrDefault(predicate)) is not null,
            timeout,
            () => $"no matching client frame among [{string.Join("; ", ClientFrames)}]; client gone: {ClientGone.IsCompleted}");
        return found!;
    }

    /// <summary>Waits for the client's close frame.</summary>
    public Task<RawWsFrame> WaitForClientCloseAsync(TimeSpan timeout) => WaitForClientFrameAsync(f => f.IsClose, timeout);

    /// <summary>Sends FIN (half-close): the client reads the end of the stream; its frames can still be read.</summary>
    public void ShutdownSend() => Try(() => _socket.Shutdown(SocketShutdown.Send));

    /// <summary>Closes the TCP connection now.</summary>
    public void CloseTcp() => Try(() =>
    {
        _socket.Shutdown(SocketShutdown.Both);
        _socket.Close();
    });

    /// <summary>Resets the TCP connection (RST, linger 0).</summary>
    public void ResetTcp() => Try(() =>
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    });

    /// <summary>Starts reading and recording the client's frames in the background (once).</summary>
    internal void StartDraining(bool answerClose, CancellationToken cancellationToken)
    {
        _answerClose = answerClose;
        _draining ??= DrainAsync(cancellationToken);
    }

    /// <summary>The script has ended: a close frame the client sent during it may now be answered.</summary>
    internal async Task OnScriptDoneAsync(bool answerClose, CancellationToken cancellationToken)
    {
        _answerClose = answerClose;
        Volatile.Write(ref _scriptDone, true);
        await AnswerCloseIfDueAsync(cancellationToken);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            while (await _reader.ReadFrameAsync(cancellationToken) is RawWsFrame frame)
            {
                lock (_lock)
                {
                    _frames.Add(frame);
                }

                _signal.Notify();
                if (frame.IsClose)
                {
                    await AnswerCloseIfDueAsync(cancellationToken);
                }
            }
        }
        catch (Exception)
        {
            // Reset, aborted or the server is stopping.
        }
        finally
        {
            _clientGone.TrySetResult();
            _signal.Notify();
        }
    }

    private async Task AnswerCloseIfDueAsync(CancellationToken cancellationToken)
    {
        RawWsFrame? close = ClientFrames.FirstOrDefault(f => f.IsClose);
        if (close is null || !_answerClose || !Volatile.Read(ref _scriptDone) || Interlocked.Exchange(ref _closeAnswered, 1) != 0)
        {
            return;
        }

        try
        {
            if (!SentClose)
            {
                await WriteAsync(close.CloseCode is ushort code ? Frames.Close(code, close.CloseReason ?? "") : Frames.CloseEmpty(), cancellationToken);
            }

            ShutdownSend();
        }
        catch (Exception)
        {
            // The client is already gone.
        }
    }

    private static bool ContainsCloseFrame(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length >= 2)
        {
            int length7 = bytes[1] & 0x7F;
            int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            int header = 2 + lengthBytes + ((bytes[1] & 0x80) != 0 ? 4 : 0);
            if (bytes.Length < header)
            {
                return false;
            }

            long length = lengthBytes switch
            {
                0 => length7,
                2 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
                _ => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            };
            if ((bytes[0] & 0x0F) == Frames.CloseOpcode)
            {
                return true;
            }

            if (length < 0 || header + length > bytes.Length)
            {
                return false;
            }

            bytes = bytes[(header + (int)length)..];
        }

        return false;
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
