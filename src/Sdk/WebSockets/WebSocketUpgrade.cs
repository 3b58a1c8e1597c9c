using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Sdk.WebSockets;

/// <summary>
/// The HTTP/1.1 upgrade (RFC 6455 section 4) sent through an invoker (the client's <see cref="SocketsHttpHandler"/>, so
/// proxy, TLS and connection settings are the same as its calls'), then a <see cref="WebSocket"/> over the upgraded
/// connection: the steps <see cref="ClientWebSocket"/> takes, with the connection's stream the SDK's own
/// (<see cref="WebSocketStream"/>: read ahead in large chunks, and dead-peer detection that costs nothing per read).
/// </summary>
internal static class WebSocketUpgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// A 101 response whose content is the open socket (<see cref="WebSocketContent"/>), or the server's other answer as it
    /// came (a 401, a 503: the pipeline treats it as any response).
    /// </summary>
    /// <exception cref="WebSocketSessionException">The server answered 101 with an upgrade that is not acceptable (<see cref="WebSocketFailureReason.ProtocolViolation"/>).</exception>
    public static async ValueTask<HttpResponseMessage> ConnectAsync(HttpMessageInvoker invoker, HttpRequestMessage request, WebSocketHandshake handshake, CancellationToken cancellationToken)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        using HttpRequestMessage upgrade = CreateRequest(request, handshake, key);
        HttpResponseMessage response = await invoker.SendAsync(upgrade, cancellationToken).ConfigureAwait(false);
        response.RequestMessage = request;
        if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
        {
            return response;
        }

        WebSocketStream? stream = null;
        try
        {
            string? subProtocol = Validate(response, handshake, key, request.RequestUri!);
            stream = new WebSocketStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), handshake);
            WebSocket socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = false,
                SubProtocol = subProtocol,

                // With a timeout the pings are the stream's; without one, .NET's unsolicited pongs keep intermediaries awake.
                KeepAliveInterval = stream.DetectsDeadPeer ? TimeSpan.Zero : handshake.KeepAliveInterval,
            });
            stream.Socket = socket;
            var upgraded = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols) { RequestMessage = request, Content = new WebSocketContent(socket, stream) };
            foreach (KeyValuePair<string, HeaderStringValues> header in response.Headers.NonValidated)
            {
                upgraded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            // The 101 response is not disposed: its content is the connection the socket now owns.
            return upgraded;
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            response.Dispose();
            throw;
        }
    }

    private static HttpRequestMessage CreateRequest(HttpRequestMessage request, WebSocketHandshake handshake, string key)
    {
        var upgrade = new HttpRequestMessage(HttpMethod.Get, request.RequestUri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            if (!WebSocketHandshake.IsHandshakeHeader(header.Key))
            {
                upgrade.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        HttpRequestHeaders headers = upgrade.Headers;
        headers.TryAddWithoutValidation("Connection", "Upgrade");
        headers.TryAddWithoutValidation("Upgrade", "websocket");
        headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        headers.TryAddWithoutValidation("Sec-WebSocket-Key", key);
        if (handshake.SubProtocols.Count > 0)
        {
            headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", string.Join(", ", handshake.SubProtocols));
        }

        return upgrade;
    }

    /// <summary>Checks the 101: the upgrade headers, the accept key, no extension, the subprotocol (one offered, or none). Returns the subprotocol.</summary>
    private static string? Validate(HttpResponseMessage response, WebSocketHandshake handshake, string key, Uri uri)
    {
        HttpResponseHeaders headers = response.Headers;
        if (!HasToken(headers, "Upgrade", "websocket") || !HasToken(headers, "Connection", "Upgrade"))
        {
            throw NotAcceptable(uri, "the response has no 'Upgrade: websocket' and 'Connection: Upgrade' headers");
        }

#pragma warning disable CA5350 // RFC 6455 defines the accept key as SHA-1 of the key: a protocol check, not a security one
        string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        if (!headers.NonValidated.TryGetValues("Sec-WebSocket-Accept", out HeaderStringValues accept) || accept.Count != 1 || accept.ToString().Trim() != expected)
        {
            throw NotAcceptable(uri, "the Sec-WebSocket-Accept header does not answer the key sent");
        }

        // No extension is offered (RFC 6455 section 4.1: one the client did not offer fails the connection): a server that
        // compressed anyway would send frames the socket rejects later, so the handshake says so now.
        if (headers.NonValidated.TryGetValues("Sec-WebSocket-Extensions", out HeaderStringValues extensions) && !string.IsNullOrWhiteSpace(extensions.ToString()))
        {
            throw NotAcceptable(uri, $"the server chose the extension '{extensions.ToString().Trim()}' but none was offered");
        }

        if (!headers.NonValidated.TryGetValues("Sec-WebSocket-Protocol", out HeaderStringValues chosen) || string.IsNullOrWhiteSpace(chosen.ToString()))
        {
            return null;
        }

        string protocol = chosen.ToString().Trim();
        foreach (string offered in handshake.SubProtocols)
        {
            if (string.Equals(offered, protocol, StringComparison.OrdinalIgnoreCase))
            {
                return offered;
            }
        }

        throw NotAcceptable(uri, handshake.SubProtocols.Count == 0
            ? $"the server chose the subprotocol '{protocol}' but none was offered"
            : $"the server chose the subprotocol '{protocol}', not one of those offered ({string.Join(", ", handshake.SubProtocols)})");
    }

    private static bool HasToken(HttpResponseHeaders headers, string name, string token)
    {
        if (!headers.NonValidated.TryGetValues(name, out HeaderStringValues values))
        {
            return false;
        }

        foreach (string value in values)
        {
            foreach (string part in value.Split(','))
            {
                if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static WebSocketSessionException NotAcceptable(Uri uri, string why) =>
        new(WebSocketFailureReason.ProtocolViolation, $"WebSocket {uri.AbsolutePath}: the server's upgrade was not acceptable: {why}.");
}
