using System.Buffers;
using System.Text;

namespace Sdk;

/// <summary>Reads a bounded prefix of a body, for error bodies and diagnostics.</summary>
internal static class ResponseText
{
    /// <summary>Reads up to <paramref name="limit"/> bytes; <c>truncated</c> says whether more followed.</summary>
    public static async ValueTask<(byte[] Bytes, bool Truncated)> ReadPrefixAsync(HttpContent content, ApiRequest request, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return ([], true);
        }

        Stream stream = await ResponseBody.OpenAsync(content, request, cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024 + 1));
        try
        {
            var collected = new MemoryStream();
            while (collected.Length <= limit)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit + 1 - collected.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                collected.Write(buffer, 0, read);
            }

            bool truncated = collected.Length > limit;
            byte[] bytes = collected.ToArray();
            return (truncated ? bytes[..limit] : bytes, truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A short printable rendering of bytes for a message: control characters replaced, cut to <paramref name="maxChars"/>.</summary>
    public static string Snippet(ReadOnlySpan<byte> bytes, int maxChars = 200)
    {
        string text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, maxChars * 4)]);
        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 1);
        foreach (char c in text)
        {
            if (builder.Length >= maxChars)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
