namespace Sdk.Transport;

/// <summary>
/// The HTTP transport: sends through an <see cref="HttpMessageInvoker"/> (by default the client's own pooled
/// <see cref="SocketsHttpHandler"/>, see <see cref="ConnectionOptions"/>). The response returns at its headers; nothing is buffered.
/// </summary>
public sealed class HttpTransport : SdkTransport
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;

    /// <summary>Creates a transport over a handler you configured yourself (for example one from IHttpClientFactory).</summary>
    /// <param name="invoker">The invoker to send through; its handler must not buffer or follow redirects for the SDK to behave as documented.</param>
    /// <param name="disposeInvoker">Whether disposing the transport disposes <paramref name="invoker"/>.</param>
    public HttpTransport(HttpMessageInvoker invoker, bool disposeInvoker = false)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        _invoker = invoker;
        _disposeInvoker = disposeInvoker;
    }

    /// <inheritdoc />
    protected override ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        new(_invoker.SendAsync(request, cancellationToken));

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }

        return base.DisposeAsyncCore();
    }
}
