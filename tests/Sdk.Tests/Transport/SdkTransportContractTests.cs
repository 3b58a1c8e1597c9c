using System.Net;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Transport;

/// <summary>The invariants SdkTransport.SendAsync enforces around a custom transport's SendCoreAsync.</summary>
public sealed class SdkTransportContractTests
{
    /// <summary>A custom transport whose core returns whatever the test says, synchronously or after a yield.</summary>
    private sealed class LambdaTransport(Func<HttpRequestMessage, HttpResponseMessage?> respond, bool yieldFirst = false) : SdkTransport
    {
        public int Disposals { get; private set; }

        protected override async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (yieldFirst)
            {
                await Task.Yield();
            }

            return respond(request)!;
        }

        protected override ValueTask DisposeAsyncCore()
        {
            Disposals++;
            return base.DisposeAsyncCore();
        }
    }

    /// <summary>Starts a send without awaiting it: SendAsync checks its arguments synchronously.</summary>
    private static void StartSend(SdkTransport transport, HttpRequestMessage request) => _ = transport.SendAsync(request).AsTask();

    private static SdkClient Client(SdkTransport transport, bool disposeTransport = false) =>
        SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("https://api.example.com/v1/"), Retry = { MaxRetries = 0 } }).UseTransport(transport, disposeTransport).Build();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_TransportReturnsNull_ThrowsInvalidOperation(bool yieldFirst)
    {
        await using var transport = new LambdaTransport(_ => null, yieldFirst);
        await using SdkClient client = Client(transport);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal("The transport returned no response.", error.Message);
    }

    [Fact]
    public async Task SendAsync_TransportOmitsRequestMessage_ItIsFilledIn()
    {
        await using var transport = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/x");

        using HttpResponseMessage response = await transport.SendAsync(request).AsTask().WaitAsync(CoreAsync.Bound);

        Assert.Same(request, response.RequestMessage);
        Assert.NotNull(response.Content);
    }

    [Fact]
    public async Task SendAsync_RelativeUri_ThrowsArgumentException()
    {
        await using var transport = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("relative/path", UriKind.Relative));

        Assert.Throws<ArgumentException>(() => StartSend(transport, request));
    }

    [Fact]
    public async Task SendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var transport = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.OK));
        await transport.DisposeAsync();
        await transport.DisposeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/x");

        Assert.Throws<ObjectDisposedException>(() => StartSend(transport, request));
        Assert.Equal(1, transport.Disposals);
    }

    [Fact]
    public async Task SendAsync_ResponseWithoutContent_NonGenericSucceedsAndGenericReportsEmptyBody()
    {
        await using var transport = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.OK));
        await using SdkClient client = Client(transport);

        ApiResponse response = await client.SendAsync(ApiRequest.Get("x")).WaitAsync(CoreAsync.Bound);
        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(InvalidResponseReason.EmptyBody, error.Reason);
    }

    [Fact]
    public async Task SendAsync_TransportThrowsHttpRequestException_BecomesTransportException()
    {
        await using var transport = new LambdaTransport(_ => throw new HttpRequestException(HttpRequestError.NameResolutionError, "No such host is known."));
        await using SdkClient client = Client(transport);

        TransportException error = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpRequestError.NameResolutionError, Assert.IsType<HttpRequestException>(error.InnerException).HttpRequestError);
    }

    [Fact]
    public async Task SendAsync_TransportThrowsUnrelatedException_PropagatesUnchanged()
    {
        var thrown = new NotSupportedException("custom transport bug");
        await using var transport = new LambdaTransport(_ => throw thrown);
        await using SdkClient client = Client(transport);

        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Same(thrown, error);
    }

    [Fact]
    public async Task Client_DisposeTransportFlag_DecidesWhetherTransportIsDisposed()
    {
        var kept = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var owned = new LambdaTransport(_ => new HttpResponseMessage(HttpStatusCode.NoContent));

        await Client(kept, disposeTransport: false).DisposeAsync();
        await Client(owned, disposeTransport: true).DisposeAsync();

        Assert.Equal(0, kept.Disposals);
        Assert.Equal(1, owned.Disposals);
        await using SdkClient again = Client(kept);
        Assert.Equal(HttpStatusCode.NoContent, (await again.SendAsync(ApiRequest.Get("x")).WaitAsync(CoreAsync.Bound)).StatusCode);
    }
}
