namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// One request that reached a <c>ws/</c> endpoint of <see cref="KestrelWsServer"/>, recorded on arrival (before it is
/// accepted or refused).
/// </summary>
/// <param name="Index">Position among all requests to the server, from 0.</param>
/// <param name="Path">The path without the leading slash, for example <c>ws/echo</c>.</param>
/// <param name="Query">The query string including <c>?</c>, or empty.</param>
/// <param name="Headers">Every request header (case-insensitive names; repeated values joined with <c>", "</c>).</param>
/// <param name="SubProtocols">The subprotocols the client asked for, in order.</param>
/// <param name="IsWebSocketRequest">Whether it was a WebSocket upgrade request.</param>
public sealed record WsHandshake(
    int Index,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> SubProtocols,
    bool IsWebSocketRequest)
{
    /// <summary>The value of header <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
