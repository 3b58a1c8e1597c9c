namespace Sdk.Benchmarks.Compare;

/// <summary>One way of calling the server: a whole stream, or one unary request.</summary>
internal interface IContender : IAsyncDisposable
{
    /// <summary>The name in the output keys (<c>raw</c>, <c>sdk</c>, <c>openai</c>, <c>server_only</c>).</summary>
    string Name { get; }

    /// <summary>Streams the whole chunk body; returns what was decoded so the harness can check it.</summary>
    Task<Decoded> StreamAsync(CancellationToken cancellationToken);

    /// <summary>Sends one unary request; returns what was decoded.</summary>
    Task<Decoded> UnaryAsync(CancellationToken cancellationToken);
}

/// <summary>How many items and how many characters of text a call decoded.</summary>
internal readonly record struct Decoded(long Items, long TextLength);
