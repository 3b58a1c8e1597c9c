using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>
/// Reading a unary JSON body: the Content-Length path (pooled buffer up to 1 MiB, streamed above) and the chunked path,
/// and every way a body can be unusable.
/// </summary>
public sealed class ResponseBodyTests
{
    private const int LargeSize = (1024 * 1024) + 300_000;

    /// <summary>A server whose <c>/v1/body</c> endpoint answers with the body, content type and framing the test sets.</summary>
    private sealed class BodyServer : IAsyncDisposable
    {
        private TestServer _server = null!;

        public string Body { get; set; } = "{}";

        public string ContentType { get; set; } = "application/json";

        public bool Chunked { get; set; }

        public Uri BaseAddress => new(_server.BaseAddress, "v1/");

        public static async Task<BodyServer> StartAsync()
        {
            var result = new BodyServer();
            result._server = await TestServer.StartAsync(app => app.MapGet("/v1/body", (HttpContext context) =>
                CoreResponses.WriteAsync(context, result.Body, result.Chunked, result.ContentType)));
            return result;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }

    private static string ItemJson(int size) => JsonSerializer.Serialize(new CoreBlob(7, new string('x', size)), CoreJson.Default.CoreBlob);

    [Theory]
    [InlineData(false, 100)]
    [InlineData(false, LargeSize)]
    [InlineData(true, 100)]
    [InlineData(true, LargeSize)]
    public async Task SendAsync_BodyWithLengthOrChunked_SmallAndOverOneMiB_Deserializes(bool chunked, int size)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = ItemJson(size);
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        ApiResponse<CoreBlob> response = await client.SendAsync(ApiRequest.Get("body"), CoreJson.Default.CoreBlob).WaitAsync(CoreAsync.Bound);

        Assert.Equal(7, response.Value.Id);
        Assert.Equal(size, response.Value.Data.Length);
        Assert.True(response.Value.Data.All(c => c == 'x'));
        Assert.Equal(chunked, response.Headers.GetValues("Transfer-Encoding").Contains("chunked"));
        Assert.Equal(chunked ? null : server.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("Content-Length").FirstOrDefault());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_EmptyBody_ThrowsEmptyBody(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "";
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.EmptyBody, error.Reason);
        Assert.StartsWith("GET body", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_JsonNull_ThrowsInvalidJson(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "null";
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Contains("null", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "{\"id\":1,\"text\":")]
    [InlineData(true, "{\"id\":1,\"text\":")]
    [InlineData(false, "{\"id\":\"not a number\",\"text\":\"a\"}")]
    [InlineData(true, "{\"id\":\"not a number\",\"text\":\"a\"}")]
    [InlineData(false, "{\"id\":1,\"text\":\"a\"} trailing")]
    [InlineData(true, "{\"id\":1,\"text\":\"a\"} trailing")]
    [InlineData(false, "<html>")]
    public async Task SendAsync_InvalidJson_ThrowsInvalidJsonWithJsonExceptionInside(bool chunked, string body)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = body;
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.IsType<JsonException>(error.InnerException, exactMatch: false);
        Assert.Contains("Item", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_HtmlContentType_ThrowsUnexpectedContentTypeQuotingBodyStart(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>";
        server.ContentType = "text/html; charset=utf-8";
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.Equal("text/html; charset=utf-8", error.ContentType);
        Assert.Contains("text/html", error.Message, StringComparison.Ordinal);
        Assert.Contains("<html><body><h1>502 Bad Gateway</h1> <p>nginx</p>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HugeHtmlBody_QuotesOnlyAShortPrefix()
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "<html>" + new string('y', 100_000) + "</html>";
        server.ContentType = "text/html";
        server.Chunked = true;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.InRange(error.Message.Length, 50, 600);
    }

    [Theory]
    [InlineData("application/problem+json")]
    [InlineData("application/vnd.api+json")]
    [InlineData("APPLICATION/JSON")]
    public async Task SendAsync_JsonSuffixContentTypes_AreAccepted(string contentType)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "{\"id\":3,\"text\":\"ok\"}";
        server.ContentType = contentType;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(3, "ok"), response.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_BodyLargerThanMaxResponseBytes_ThrowsResponseTooLarge(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = ItemJson(5000);
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress, MaxResponseBytes = 1000 });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), CoreJson.Default.CoreBlob).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.ResponseTooLarge, error.Reason);
        Assert.Contains("MaxResponseBytes (1000)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_LargeBodyOverMaxResponseBytes_ThrowsResponseTooLarge(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = ItemJson(LargeSize);
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress, MaxResponseBytes = 1024 * 1024 });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), CoreJson.Default.CoreBlob).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.ResponseTooLarge, error.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_BodyExactlyMaxResponseBytes_Succeeds(bool chunked)
    {
        await using BodyServer server = await BodyServer.StartAsync();
        server.Body = "{\"id\":5,\"text\":\"exact\"}";
        server.Chunked = chunked;
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress, MaxResponseBytes = server.Body.Length });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(5, "exact"), response.Value);
    }

    [Fact]
    public async Task SendAsync_EndlessChunkedBody_StopsAtMaxResponseBytes()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/endless", async (HttpContext context) =>
        {
            // A JSON string that never ends: a reader that ignored the limit would buffer forever.
            context.Response.ContentType = "application/json";
            byte[] chunk = new byte[16 * 1024];
            Array.Fill(chunk, (byte)'x');
            try
            {
                await context.Response.Body.WriteAsync("{\"id\":1,\"text\":\""u8.ToArray(), context.RequestAborted);
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading.
            }
        }));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), MaxResponseBytes = 256 * 1024 });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("endless"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.ResponseTooLarge, error.Reason);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_ConnectionResetMidBody_ThrowsTransportException(bool chunked)
    {
        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/cut", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            if (!chunked)
            {
                context.Response.ContentLength = 500;
            }

            await context.Response.WriteAsync("{\"id\":1,\"text\":\"partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await reset.Task.WaitAsync(CoreAsync.Bound, context.RequestAborted);
            context.Abort();
        }));
        var transport = new CoreObservedTransport();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .UseTransport(transport, disposeTransport: true)
            .Build();

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("cut"), TestJson.Default.Item);
        await transport.BodyReadStarted.WaitAsync(CoreAsync.Bound);
        reset.SetResult();

        TransportException error = await Assert.ThrowsAsync<TransportException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.StartsWith("GET cut: the response body could not be read", error.Message, StringComparison.Ordinal);
    }
}
