using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>
/// The SDK asks for compressed bodies and decompresses them itself (src/Sdk/Internal/ResponseBody.cs), so size limits
/// count decompressed bytes: a small compressed body cannot expand past MaxResponseBytes or the stream limits.
/// </summary>
public sealed class ResponseDecompressionTests
{
    private static byte[] Compress(string text, string coding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static Task<TestServer> StartAsync(string coding, string contentType, string body, Action<string?>? sawAcceptEncoding = null) =>
        TestServer.StartAsync(app => app.MapGet("/v1/body", async (HttpContext context) =>
        {
            sawAcceptEncoding?.Invoke(context.Request.Headers.AcceptEncoding);
            byte[] compressed = Compress(body, coding);
            context.Response.ContentType = contentType;
            context.Response.Headers.ContentEncoding = coding;
            context.Response.ContentLength = compressed.Length;
            await context.Response.Body.WriteAsync(compressed);
        }));

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task SendAsync_CompressedJson_IsDecompressed(string coding)
    {
        string? acceptEncoding = null;
        await using TestServer server = await StartAsync(coding, "application/json", """{"id":42,"text":"compressed"}""", value => acceptEncoding = value);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(42, "compressed"), response.Value);
        Assert.Equal("gzip, deflate, br", acceptEncoding);
    }

    [Fact]
    public async Task StreamAsync_GzipSse_IsDecompressed()
    {
        string sse = string.Concat(Enumerable.Range(1, 50).Select(i => $"data: {{\"id\":{i},\"text\":\"t\"}}\n\n")) + "data: [DONE]\n\n";
        await using TestServer server = await StartAsync("gzip", "text/event-stream", sse);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        List<Item> items = await client.StreamAsync(ApiRequest.Get("body"), TestJson.Default.Item).ToListAsync().AsTask().WaitAsync(CoreAsync.Bound);

        Assert.Equal(Enumerable.Range(1, 50), items.Select(i => i.Id));
    }

    [Fact]
    public async Task SendAsync_CompressedBodyExpandingPastMaxResponseBytes_ThrowsResponseTooLarge()
    {
        // About 8 MiB of JSON that compresses to a few KiB: the limit applies to what it expands to.
        string bomb = "{\"id\":1,\"text\":\"" + new string('a', 8 * 1024 * 1024) + "\"}";
        await using TestServer server = await StartAsync("gzip", "application/json", bomb);
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), MaxResponseBytes = 1024 * 1024 });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.ResponseTooLarge, error.Reason);
    }

    [Fact]
    public async Task SendAsync_DecompressionOff_SendsNoAcceptEncoding()
    {
        string? acceptEncoding = "unset";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/plain", (HttpContext context) =>
        {
            acceptEncoding = context.Request.Headers.AcceptEncoding;
            return Results.Json(new Item(1, "plain"), TestJson.Default.Item);
        }));
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Connections = { AutomaticDecompression = DecompressionMethods.None },
        });

        await client.SendAsync(ApiRequest.Get("plain"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.True(string.IsNullOrEmpty(acceptEncoding), $"Accept-Encoding was sent: {acceptEncoding}");
    }

    private static Task<TestServer> StartRawAsync(int status, string coding, string contentType) =>
        TestServer.StartAsync(app => app.MapGet("/v1/body", async (HttpContext context) =>
        {
            byte[] garbage = Encoding.UTF8.GetBytes("this is not a compressed body");
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.Headers.ContentEncoding = coding;
            context.Response.ContentLength = garbage.Length;
            await context.Response.Body.WriteAsync(garbage);
        }));

    [Fact]
    public async Task SendAsync_ErrorStatusWithCorruptGzipBody_ThrowsApiExceptionWithoutBody()
    {
        await using TestServer server = await StartRawAsync(500, "gzip", "application/json");
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Retry = { MaxRetries = 0 } });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Null(error.RawBody);
    }

    [Fact]
    public async Task StreamAsync_ErrorStatusWithCorruptGzipBody_ThrowsApiException()
    {
        await using TestServer server = await StartRawAsync(503, "gzip", "application/json");
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Retry = { MaxRetries = 0 } });

        ApiException error = await Assert.ThrowsAsync<ApiException>(
            () => client.StreamAsync(ApiRequest.Get("body"), TestJson.Default.Item).ToListAsync().AsTask().WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task SendAsync_UnknownEncoding_ThrowsCorruptBodyNamingTheRequest()
    {
        await using TestServer server = await StartRawAsync(200, "zstd", "application/json");
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("body"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.CorruptBody, error.Reason);
        Assert.StartsWith("GET body:", error.Message, StringComparison.Ordinal);
        Assert.Contains("zstd", error.Message, StringComparison.Ordinal);
    }
}
