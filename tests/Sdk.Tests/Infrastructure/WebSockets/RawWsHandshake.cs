using System.Security.Cryptography;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>Reads an HTTP/1.1 upgrade request (bounded) and builds the <c>101 Switching Protocols</c> answer.</summary>
public static class RawWsHandshake
{
    /// <summary>The most bytes of request head read before giving up.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary><c>base64(SHA1(key + GUID))</c>, the <c>Sec-WebSocket-Accept</c> for <paramref name="key"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6455 §4.2.2 defines the accept value with SHA-1.")]
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + Guid)));

    /// <summary>
    /// Reads up to and including <c>\r\n\r\n</c>; returns the head's text and any bytes read past it, or
    /// <see langword="null"/> if the stream ended first. Throws <see cref="InvalidDataException"/> past <see cref="MaxRequestBytes"/>.
    /// </summary>
    public static async Task<(string Head, byte[] Leftover)?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxRequestBytes];
        int filled = 0;
        while (true)
        {
            int end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end + 4), buffer[(end + 4)..filled]);
            }

            if (filled == buffer.Length)
            {
                throw new InvalidDataException($"No end of request head in {MaxRequestBytes} bytes.");
            }

            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            filled += read;
        }
    }

    /// <summary>The header fields of a request head (case-insensitive names; repeated ones joined with <c>", "</c>).</summary>
    public static IReadOnlyDictionary<string, string> ParseHeaders(string head)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in head.Split("\r\n").Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out string? existing) ? existing + ", " + value : value;
        }

        return headers;
    }

    /// <summary>The <c>101</c> answer for <paramref name="key"/>, with an optional subprotocol and extra header lines.</summary>
    public static string SwitchingProtocols(string key, string? subProtocol, IEnumerable<string> extraHeaders)
    {
        var response = new StringBuilder();
        response.Append("HTTP/1.1 101 Switching Protocols\r\n");
        response.Append("Upgrade: websocket\r\n");
        response.Append("Connection: Upgrade\r\n");
        response.Append("Sec-WebSocket-Accept: ").Append(AcceptFor(key)).Append("\r\n");
        if (subProtocol is not null)
        {
            response.Append("Sec-WebSocket-Protocol: ").Append(subProtocol).Append("\r\n");
        }

        foreach (string header in extraHeaders)
        {
            response.Append(header).Append("\r\n");
        }

        return response.Append("\r\n").ToString();
    }
}
