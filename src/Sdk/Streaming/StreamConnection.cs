namespace Sdk;

/// <summary>
/// One connection of a stream: its response, its endpoint and its decoder, read (inside the attempt) up to the first event
/// the caller gets, or to its end.
/// </summary>
internal sealed class StreamConnection<T> : IAsyncDisposable, IHasResponse
{
    public StreamConnection(HttpResponseMessage response, Endpoint endpoint)
    {
        Response = response;
        Endpoint = endpoint;
    }

    public HttpResponseMessage Response { get; }

    public Endpoint Endpoint { get; }

    public StreamDecoder<T>? Decoder { get; set; }

    public StreamFormat? Format { get; set; }

    /// <summary>The decoder holds an event the caller has not been given yet.</summary>
    public bool HasPending { get; set; }

    /// <summary>The stream ended on this connection (a 204, the end of the body, or the sentinel) before any new event.</summary>
    public bool Completed { get; set; }

    /// <summary>Whether it ended at the terminal sentinel.</summary>
    public bool EndedAtSentinel { get; set; }

    HttpResponseMessage? IHasResponse.Response => Response;

    public async ValueTask DisposeAsync()
    {
        if (Decoder is { } decoder)
        {
            await decoder.DisposeAsync().ConfigureAwait(false);
        }

        Response.Dispose();
    }
}
