using System.Runtime.CompilerServices;

namespace Sdk.Transport;

/// <summary>
/// Sends one HTTP attempt and returns the response as soon as its headers arrive; the body is read by the caller.
/// Implement <see cref="SendCoreAsync"/>; <see cref="SendAsync"/> enforces the contract around it.
/// </summary>
/// <remarks>Shipped: the pooled HTTP transport the builder creates by default, and <see cref="InMemoryTransport"/> for tests.</remarks>
public abstract class SdkTransport : IAsyncDisposable
{
    private int _disposed;

    /// <summary>
    /// Sends <paramref name="request"/>. The request must have an absolute URI; the response always has content (empty when the
    /// transport gave none) and refers to the request.
    /// </summary>
    /// <param name="request">The request; the transport does not dispose it.</param>
    /// <param name="cancellationToken">Cancels the send and, for transports that stream, the body.</param>
    /// <returns>The response, with an unread body.</returns>
    /// <exception cref="ObjectDisposedException">The transport was disposed.</exception>
    public ValueTask<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (request.RequestUri is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("The request must have an absolute URI.", nameof(request));
        }

        ValueTask<HttpResponseMessage> pending = SendCoreAsync(request, cancellationToken);
        return pending.IsCompletedSuccessfully ? new ValueTask<HttpResponseMessage>(Complete(request, pending.Result)) : AwaitAsync(request, pending);
    }

    /// <summary>
    /// Opens a WebSocket with the handshake <paramref name="request"/> (its URI and headers, after the request hooks): a
    /// <c>101</c> response whose content holds the socket, or the status and headers of a refused handshake.
    /// </summary>
    internal ValueTask<HttpResponseMessage> ConnectWebSocketAsync(HttpRequestMessage request, Sdk.WebSockets.WebSocketHandshake handshake, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ConnectWebSocketCoreAsync(request, handshake, cancellationToken);
    }

    /// <summary>The transport's WebSocket handshake; transports without WebSockets refuse.</summary>
    internal virtual ValueTask<HttpResponseMessage> ConnectWebSocketCoreAsync(HttpRequestMessage request, Sdk.WebSockets.WebSocketHandshake handshake, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not open WebSockets; use the client's default HTTP transport or an HttpTransport.");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await DisposeAsyncCore().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Sends one attempt; called by <see cref="SendAsync"/> after the request was checked.</summary>
    /// <param name="request">The request, with an absolute URI.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The response as soon as its headers are known.</returns>
    protected abstract ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>Releases the transport's resources.</summary>
    /// <returns>A task that completes when they are released.</returns>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<HttpResponseMessage> AwaitAsync(HttpRequestMessage request, ValueTask<HttpResponseMessage> pending) =>
        Complete(request, await pending.ConfigureAwait(false));

    private static HttpResponseMessage Complete(HttpRequestMessage request, HttpResponseMessage? response)
    {
        if (response is null)
        {
            throw new InvalidOperationException("The transport returned no response.");
        }

        response.RequestMessage ??= request;
        return response;
    }
}
