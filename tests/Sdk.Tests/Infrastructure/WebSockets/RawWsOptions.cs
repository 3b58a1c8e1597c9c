namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>How <see cref="RawWsServer"/> treats each connection around its script.</summary>
public sealed class RawWsOptions
{
    /// <summary>
    /// Read the client's frames from the start, in the background, recording them in
    /// <see cref="RawWsConnection.ClientFrames"/>, so the client's writes never block (default). When false, nothing
    /// is read during the script (it may read <see cref="RawWsConnection.Stream"/> itself); reading starts after it.
    /// </summary>
    public bool DrainClient { get; init; } = true;

    /// <summary>
    /// After the script, keep the connection until the client closes it (or the server is disposed), reading and
    /// recording its frames (default). When false, the server closes the TCP connection (FIN) as soon as the script ends.
    /// </summary>
    public bool KeepOpen { get; init; } = true;

    /// <summary>
    /// When a client close frame arrives after the script ended, send a close frame back with the same code (unless the
    /// script already sent one) and close the TCP connection (default).
    /// </summary>
    public bool AnswerClose { get; init; } = true;

    /// <summary>The <c>Sec-WebSocket-Protocol</c> of the 101 answer, or <see langword="null"/> for none.</summary>
    public string? SubProtocol { get; init; }

    /// <summary>Extra header lines of the 101 answer, for example <c>Sec-WebSocket-Extensions: permessage-deflate</c>.</summary>
    public IReadOnlyList<string> ExtraResponseHeaders { get; init; } = [];

    /// <summary>
    /// Replaces the whole answer: given the request's <c>Sec-WebSocket-Key</c> (empty if none), returns the response head
    /// to write, ending with <c>\r\n\r\n</c> (for example a wrong accept value or a 200). Use
    /// <see cref="RawWsHandshake.AcceptFor"/> for the right accept value.
    /// </summary>
    public Func<string, string>? Response { get; init; }
}
