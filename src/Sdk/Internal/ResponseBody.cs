using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Sdk;

/// <summary>
/// Opens a response body, decompressing it when the server used an encoding from <see cref="ConnectionOptions.AutomaticDecompression"/>.
/// The SDK decompresses itself (the handler's own decompression is off): the request header is a pre-built string, and
/// every size limit applies to the decompressed bytes, so a small compressed body cannot expand past them.
/// </summary>
internal static class ResponseBody
{
    /// <summary>The <c>Accept-Encoding</c> value for <paramref name="methods"/>, or <see langword="null"/> for none.</summary>
    public static string? AcceptEncoding(DecompressionMethods methods)
    {
        var names = new List<string>(3);
        if (methods.HasFlag(DecompressionMethods.GZip))
        {
            names.Add("gzip");
        }

        if (methods.HasFlag(DecompressionMethods.Deflate))
        {
            names.Add("deflate");
        }

        if (methods.HasFlag(DecompressionMethods.Brotli))
        {
            names.Add("br");
        }

        return names.Count == 0 ? null : string.Join(", ", names);
    }

    /// <summary>Whether the body carries a content encoding (so its Content-Length is not its decoded length).</summary>
    public static bool IsEncoded(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues("Content-Encoding", out HeaderStringValues values) && !IsIdentity(values);

    /// <summary>The body of <paramref name="request"/>'s response, decoded.</summary>
    public static async ValueTask<Stream> OpenAsync(HttpContent content, ApiRequest request, CancellationToken cancellationToken)
    {
        Stream body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (!content.Headers.NonValidated.TryGetValues("Content-Encoding", out HeaderStringValues values) || IsIdentity(values))
        {
            return body;
        }

        // Codings are listed in the order they were applied; undo them in reverse.
        var codings = new List<string>();
        foreach (string value in values)
        {
            foreach (string coding in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                codings.Add(coding);
            }
        }

        for (int i = codings.Count - 1; i >= 0; i--)
        {
            body = codings[i].ToUpperInvariant() switch
            {
                "GZIP" or "X-GZIP" => new GZipStream(body, CompressionMode.Decompress),
                "DEFLATE" => new ZLibStream(body, CompressionMode.Decompress),
                "BR" => new BrotliStream(body, CompressionMode.Decompress),
                "IDENTITY" => body,
                _ => throw new InvalidResponseException(
                    InvalidResponseReason.CorruptBody,
                    $"{request}: the response uses the content encoding '{codings[i]}', which the SDK cannot decode."),
            };
        }

        return body;
    }

    private static bool IsIdentity(HeaderStringValues values)
    {
        foreach (string value in values)
        {
            if (!value.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
