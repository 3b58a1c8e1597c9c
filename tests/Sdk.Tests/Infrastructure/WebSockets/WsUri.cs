namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>Turns a server's <c>http://</c> base address and a relative path into the <c>ws://</c> address <see cref="System.Net.WebSockets.ClientWebSocket"/> needs.</summary>
public static class WsUri
{
    /// <summary><c>http://127.0.0.1:P/</c> + <c>ws/echo?x=1</c> → <c>ws://127.0.0.1:P/ws/echo?x=1</c>.</summary>
    public static Uri For(Uri baseAddress, string relative)
    {
        var builder = new UriBuilder(new Uri(baseAddress, relative))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return builder.Uri;
    }
}
