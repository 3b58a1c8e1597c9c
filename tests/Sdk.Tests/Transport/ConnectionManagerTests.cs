using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Transport;

/// <summary>The client's own pooled handler (ConnectionManager): connect timeout, refused connections, redirects, decompression.</summary>
public sealed class ConnectionManagerTests
{
    [Fact]
    public async Task SendAsync_ListenerNeverAnswersSyn_ThrowsConnectTimeoutWhenAdvanced()
    {
        using CoreUnansweredListener listener = await CoreUnansweredListener.StartAsync();
        var time = new ManualTimeProvider();
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = listener.BaseAddress,
            TimeProvider = time,
            Retry = { MaxRetries = 0 }, // one attempt; retries have their own tests
            Timeouts = { Connect = TimeSpan.FromSeconds(2), Attempt = TimeSpan.FromSeconds(30), Total = TimeSpan.FromSeconds(60) },
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item);

        // One timer is the call's own; the second is the connect timeout, armed when the connect starts.
        await time.WaitForAsync(t => t.ActiveTimers >= 2);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Connect, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.Timeout);
        Assert.StartsWith("GET items/1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{listener.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NothingListening_ThrowsTransportException()
    {
        int port = CoreUnansweredListener.GetClosedPort();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri($"http://127.0.0.1:{port}/v1/"), Retry = { MaxRetries = 0 } }); // the mapping of one refused attempt

        TransportException error = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.StartsWith("GET items/1 failed before a response arrived", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.IsAssignableFrom<SdkException>(error);
    }

    [Fact]
    public async Task SendAsync_NothingListening_NonGenericAndListAlsoThrowTransportException()
    {
        int port = CoreUnansweredListener.GetClosedPort();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Retry = { MaxRetries = 0 } }); // the mapping of one refused attempt

        await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Delete("x")).WaitAsync(CoreAsync.Bound));
        (List<Item> items, Exception? error) = await client.ListAsync(ApiRequest.Get("x"), Paginators.Cursor(), TestJson.Default.Item).DrainBoundedAsync();

        Assert.Empty(items);
        Assert.IsType<TransportException>(error);
    }

    [Fact]
    public async Task SendAsync_RedirectToOtherOrigin_IsFollowedWithoutTheCredential()
    {
        var otherLog = new CoreRequestLog();
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.MapGet("/{**rest}", () => Results.Json(new Item(1, "other"), TestJson.Default.Item));
        });
        await using TestServer server = await TestServer.StartAsync(app =>
            app.MapGet("/v1/items/1", () => Results.Redirect(new Uri(other.BaseAddress, "v1/items/1").AbsoluteUri)));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("secret-token") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("other", response.Value.Text);
        CoreSeenRequest seen = Assert.Single(otherLog.Requests);
        Assert.Null(seen.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_GzipResponse_IsDecompressed()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await gzip.WriteAsync("{\"id\":1,\"text\":\"compressed\"}"u8.ToArray());
                }

                context.Response.ContentType = "application/json";
                context.Response.Headers.ContentEncoding = "gzip";
                context.Response.ContentLength = buffer.Length;
                await context.Response.Body.WriteAsync(buffer.ToArray());
            });
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("compressed", response.Value.Text);
        Assert.Contains("gzip", log.Single.Header("Accept-Encoding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SequentialCallsIncludingErrors_ReuseOnePooledConnection()
    {
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "a"), TestJson.Default.Item));
            app.MapGet("/v1/missing", () => Results.Json(new ErrorEnvelope(new ErrorBody("nope", null, null)), TestJson.Default.ErrorEnvelope, statusCode: 404));
            app.MapDelete("/v1/items/{id:int}", () => Results.NoContent());
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(ApiRequest.Get($"items/{i}"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
            await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("missing"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
            await client.SendAsync(ApiRequest.Delete($"items/{i}")).WaitAsync(CoreAsync.Bound);
        }

        Assert.Equal(1, server.TotalConnections);
    }

    [Fact]
    public void CreateHandler_AppliesConnectionOptions()
    {
        var options = new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Connections =
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(7),
                MaxConnectionsPerServer = 3,
                EnableMultipleHttp2Connections = false,
                KeepAlivePingDelay = TimeSpan.FromSeconds(11),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(12),
                AutomaticDecompression = DecompressionMethods.GZip,
                Proxy = new WebProxy("http://proxy.example:8080"),
            },
        };

        using SocketsHttpHandler handler = ConnectionManager.CreateHandler(options);

        Assert.Equal(TimeSpan.FromMinutes(1), handler.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(7), handler.PooledConnectionIdleTimeout);
        Assert.Equal(3, handler.MaxConnectionsPerServer);
        Assert.False(handler.EnableMultipleHttp2Connections);
        Assert.Equal(TimeSpan.FromSeconds(11), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(12), handler.KeepAlivePingTimeout);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression); // the SDK decompresses itself, after its limits
        Assert.Same(options.Connections.Proxy, handler.Proxy);
        Assert.True(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.Equal(Timeout.InfiniteTimeSpan, handler.ConnectTimeout);
        Assert.NotNull(handler.ConnectCallback);
    }
}
