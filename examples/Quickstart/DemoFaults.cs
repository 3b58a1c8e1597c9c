namespace Quickstart;

/// <summary>
/// The two faults the demo server injects, once each, so the tour shows the SDK's resilience: the first chat request is
/// answered <c>503</c> with <c>retry-after-ms</c> (the SDK waits and retries), and the first chat stream that gets through
/// is cut after a few tokens (the SDK reconnects with <c>Last-Event-ID</c> and the stream goes on where it stopped).
/// </summary>
internal sealed class DemoFaults
{
    /// <summary>How long the injected 503 asks the client to wait.</summary>
    public const int RetryAfterMilliseconds = 300;

    /// <summary>After how many tokens the first stream is cut.</summary>
    public const int DropAfterTokens = 6;

    private int _unavailableSent;
    private int _dropped;

    /// <summary>True the first time only: answer this request 503.</summary>
    public bool TakeUnavailable() => Interlocked.Exchange(ref _unavailableSent, 1) == 0;

    /// <summary>True the first time only: cut this stream.</summary>
    public bool TakeDrop() => Interlocked.Exchange(ref _dropped, 1) == 0;
}
