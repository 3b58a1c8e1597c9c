using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Compare;

/// <summary>
/// The server-only baseline: one keep-alive socket sends pre-rendered HTTP/1.1 requests and reads the responses' bytes
/// without parsing them (just enough framing to know where a response ends). Its own allocations are next to zero, so its
/// allocation figure is the server's (plus the harness's), which is subtracted from every other contender's.
/// </summary>
internal sealed class ServerOnlyContender : IContender
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;
    private static ReadOnlySpan<byte> LastChunk => "\r\n0\r\n\r\n"u8;
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly EndPoint _endPoint;
    private readonly byte[] _streamRequest;
    private readonly byte[] _unaryRequest;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Decoded _streamResult;

    public ServerOnlyContender(Uri server, Decoded streamResult)
    {
        _endPoint = new IPEndPoint(IPAddress.Loopback, server.Port);
        _streamRequest = RenderRequest(server, Payloads.StreamRequest);
        _unaryRequest = RenderRequest(server, Payloads.UnaryRequest);
        _streamResult = streamResult;
    }

    public string Name => "server_only";

    public async Task<Decoded> StreamAsync(CancellationToken cancellationToken)
    {
        await SendAsync(_streamRequest, cancellationToken);
        await ReadResponseAsync(cancellationToken);
        return _streamResult;
    }

    public async Task<Decoded> UnaryAsync(CancellationToken cancellationToken)
    {
        await SendAsync(_unaryRequest, cancellationToken);
        await ReadResponseAsync(cancellationToken);
        return new Decoded(1, Payloads.UnaryTextLength);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] RenderRequest(Uri server, ChatRequest body)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(body, BenchJson.Default.ChatRequest);
        string head = $"POST {Payloads.ChatPath} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. json];
    }

    private async ValueTask SendAsync(byte[] request, CancellationToken cancellationToken)
    {
        if (!_socket.Connected)
        {
            await _socket.ConnectAsync(_endPoint, cancellationToken);
        }

        await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
    }

    /// <summary>Reads one response: the headers, then Content-Length bytes or chunks up to the last chunk.</summary>
    private async ValueTask ReadResponseAsync(CancellationToken cancellationToken)
    {
        int filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
        {
            filled += await ReceiveAsync(filled, cancellationToken);
        }

        int bodyStart = headerEnd + HeaderEnd.Length;
        if (ContentLength(_buffer.AsSpan(0, headerEnd)) is { } length)
        {
            for (long remaining = length - (filled - bodyStart); remaining > 0;)
            {
                remaining -= await ReceiveAsync(0, cancellationToken);
            }

            return;
        }

        // Chunked: the body never contains CRLF, so the response ends when the bytes read so far end with CRLF 0 CRLF CRLF.
        // The last few bytes are kept at the front of the buffer so the marker is found across reads.
        int kept = Math.Min(filled - bodyStart + 2, LastChunk.Length);
        _buffer.AsSpan(filled - kept, kept).CopyTo(_buffer);
        while (!_buffer.AsSpan(0, kept).EndsWith(LastChunk))
        {
            kept += await ReceiveAsync(kept, cancellationToken);
            int keep = Math.Min(kept, LastChunk.Length);
            _buffer.AsSpan(kept - keep, keep).CopyTo(_buffer);
            kept = keep;
        }
    }

    private async ValueTask<int> ReceiveAsync(int offset, CancellationToken cancellationToken)
    {
        int read = await _socket.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, cancellationToken);
        return read > 0 ? read : throw new IOException("The server closed the connection in the middle of a response.");
    }

    private static long? ContentLength(ReadOnlySpan<byte> headers)
    {
        ReadOnlySpan<byte> name = "\r\nContent-Length: "u8;
        int at = headers.IndexOf(name);
        if (at < 0)
        {
            return null;
        }

        ReadOnlySpan<byte> value = headers[(at + name.Length)..];
        int end = value.IndexOf("\r\n"u8);
        return Utf8Parser.TryParse(end < 0 ? value : value[..end], out long length, out _) ? length : throw new InvalidDataException("Bad Content-Length.");
    }
}
