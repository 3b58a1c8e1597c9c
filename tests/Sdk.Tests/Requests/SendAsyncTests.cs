using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>Unary calls end to end against Kestrel: GET and POST JSON round trips and the body-less overload.</summary>
public sealed class SendAsyncTests
{
    [Fact]
    public async Task SendAsync_Get_DeserializesJsonBodyFromServer()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, $"item {id}"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/42"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(42, "item 42"), response.Value);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CoreSeenRequest seen = log.Single;
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/v1/items/42", seen.Target);
        Assert.Equal("", seen.Body);
        Assert.Null(seen.Header("Content-Type"));
    }

    [Fact]
    public async Task SendAsync_PostJsonBody_ServerReceivesExactBodyAndEchoRoundTrips()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/echo", async (HttpContext context) =>
            {
                context.Response.ContentType = "application/json";
                await context.Request.Body.CopyToAsync(context.Response.Body);
            });
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        var body = new EchoRequest("héllo \"quoted\" ✓", 3);

        ApiResponse<EchoRequest> response = await client
            .SendAsync(ApiRequest.Post("echo", body, TestJson.Default.EchoRequest), TestJson.Default.EchoRequest)
            .WaitAsync(CoreAsync.Bound);

        Assert.Equal(body, response.Value);
        CoreSeenRequest seen = log.Single;
        Assert.Equal("POST", seen.Method);
        Assert.Equal("application/json", seen.Header("Content-Type"));
        Assert.Equal("{\"text\":\"h\\u00E9llo \\u0022quoted\\u0022 \\u2713\",\"count\":3}", seen.Body);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(seen.Body).ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Header("Content-Length"));
    }

    [Fact]
    public async Task SendAsync_PutAndPatchWithBody_SendMethodAndBody()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapMethods("/v1/items/1", ["PUT", "PATCH"], () => Results.Json(new Item(1, "ok"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(ApiRequest.Put("items/1", new Item(1, "put"), TestJson.Default.Item), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Patch("items/1", new Item(1, "patch"), TestJson.Default.Item), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Collection(
            log.Requests,
            put => Assert.Equal(("PUT", "{\"id\":1,\"text\":\"put\"}"), (put.Method, put.Body)),
            patch => Assert.Equal(("PATCH", "{\"id\":1,\"text\":\"patch\"}"), (patch.Method, patch.Body)));
    }

    [Fact]
    public async Task SendAsync_RawBodyWithContentType_SentAsGiven()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/upload", () => Results.NoContent());
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse response = await client
            .SendAsync(ApiRequest.Post("upload").WithBody("a,b\n1,2\n"u8.ToArray(), "text/csv"))
            .WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(("text/csv", "a,b\n1,2\n"), (log.Single.Header("Content-Type"), log.Single.Body));
    }

    [Fact]
    public async Task SendAsync_NonGenericOn204_ReturnsStatusHeadersAndRequestId()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapDelete("/v1/items/7", (HttpContext context) =>
        {
            context.Response.Headers["x-request-id"] = "req_delete";
            context.Response.StatusCode = 204;
        }));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse response = await client.SendAsync(ApiRequest.Delete("items/7")).WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("req_delete", response.RequestId);
    }

    [Fact]
    public async Task SendAsync_HeadRequest_ReturnsHeadersWithoutBody()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapMethods("/v1/items/1", ["HEAD"], (HttpContext context) =>
            {
                context.Response.Headers["x-request-id"] = "req_head";
                context.Response.Headers.ETag = "\"v3\"";
                return Task.CompletedTask;
            });
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse response = await client.SendAsync(ApiRequest.Create(HttpMethod.Head, "items/1")).WaitAsync(CoreAsync.Bound);

        Assert.Equal(("HEAD", "/v1/items/1"), (log.Single.Method, log.Single.Target));
        Assert.Equal("req_head", response.RequestId);
        Assert.Equal(["\"v3\""], response.Headers.GetValues("ETag"));
    }

    [Fact]
    public async Task SendAsync_NonGenericOn200WithBody_IgnoresBody()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapPost("/v1/jobs/1/cancel", () => Results.Text("not json at all", "text/plain")));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse response = await client.SendAsync(ApiRequest.Post("jobs/1/cancel")).WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_NonGenericOnError_ThrowsApiException()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapDelete("/v1/items/7", () => Results.Json(new ErrorEnvelope(new ErrorBody("gone", null, null)), TestJson.Default.ErrorEnvelope, statusCode: 410)));
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Delete("items/7")).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Gone, error.StatusCode);
        Assert.Contains("gone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SameRequestSentTwice_SendsIdenticalRequests()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/echo", async (HttpContext context) =>
            {
                context.Response.ContentType = "application/json";
                await context.Request.Body.CopyToAsync(context.Response.Body);
            });
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });
        ApiRequest request = ApiRequest.Post("echo", new EchoRequest("x", 1), TestJson.Default.EchoRequest).WithQuery("a", "1").WithHeader("X-Trace", "t");

        await client.SendAsync(request, TestJson.Default.EchoRequest).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(request, TestJson.Default.EchoRequest).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, log.Requests.Count);
        Assert.All(log.Requests, seen => Assert.Equal(("/v1/echo?a=1", "t", "{\"text\":\"x\",\"count\":1}"), (seen.Target, seen.Header("X-Trace"), seen.Body)));
        Assert.Equal([new KeyValuePair<string, string>("a", "1")], request.Query);
    }
}
