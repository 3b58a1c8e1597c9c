using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Transport;

/// <summary>HttpTransport over a user's own HttpMessageInvoker, against Kestrel.</summary>
public sealed class HttpTransportTests
{
    private static Task<TestServer> StartAsync(CoreRequestLog log) => TestServer.StartAsync(app =>
    {
        log.Attach(app);
        app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "via invoker"), TestJson.Default.Item));
    });

    [Fact]
    public async Task SendAsync_OverUserInvoker_ReachesKestrelWithSdkHeaders()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.ApiKey("k1") })
            .UseTransport(new HttpTransport(invoker), disposeTransport: true)
            .Build();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/3"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(3, "via invoker"), response.Value);
        Assert.Equal("k1", log.Single.Header("x-api-key"));
        Assert.StartsWith("Sdk/", log.Single.Header("User-Agent"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_WithoutDisposeInvoker_LeavesInvokerUsable()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());

        await new HttpTransport(invoker, disposeInvoker: false).DisposeAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "v1/items/1"));
        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None).WaitAsync(CoreAsync.Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DisposeAsync_WithDisposeInvoker_DisposesInvoker()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await StartAsync(log);
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler());

        await new HttpTransport(invoker, disposeInvoker: true).DisposeAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "v1/items/1"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => invoker.SendAsync(request, CancellationToken.None).WaitAsync(CoreAsync.Bound));
        Assert.Empty(log.Requests);
    }

    [Fact]
    public async Task SendAsync_ReturnsAtHeadersWithoutBufferingBody()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/slow-body", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"id\":1,", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("\"text\":\"done\"}", context.RequestAborted);
        }));
        await using var transport = new HttpTransport(new HttpMessageInvoker(new SocketsHttpHandler()), disposeInvoker: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "v1/slow-body"));

        using HttpResponseMessage response = await transport.SendAsync(request).AsTask().WaitAsync(CoreAsync.Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        release.SetResult();
        string body = await response.Content.ReadAsStringAsync().WaitAsync(CoreAsync.Bound);

        Assert.Equal("{\"id\":1,\"text\":\"done\"}", body);
    }

    [Fact]
    public void Constructor_NullInvoker_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new HttpTransport((HttpMessageInvoker)null!));
    }
}
