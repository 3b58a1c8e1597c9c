using Sdk.Transport;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// The real HTTP transport (a <see cref="SocketsHttpHandler"/> to Kestrel) with one observation added: it completes
/// <see cref="BodyReadStarted"/> when the SDK first reads a response body, that is, once the call is past its headers.
/// Tests use it to move a manual clock only when a call is in its body phase.
/// </summary>
public sealed class CoreObservedTransport : SdkTransport
{
    private readonly HttpTransport _inner = new(new HttpMessageInvoker(new SocketsHttpHandler { UseCookies = false }), disposeInvoker: true);
    private readonly TaskCompletionSource _bodyReadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first read of a response body starts.</summary>
    public Task BodyReadStarted => _bodyReadStarted.Task;

    protected override async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await _inner.SendAsync(request, cancellationToken);
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var content = new StreamContent(new SignalingStream(body, _bodyReadStarted));
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await _inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private sealed class SignalingStream(Stream inner, TaskCompletionSource started) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            started.TrySetResult();
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            started.TrySetResult();
            return inner.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
