using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>Bad responses to a stream: broken JSON, wrong content types, error statuses, a connection cut mid-stream.</summary>
public sealed class StreamMalformedInputTests
{
    [Fact]
    public async Task StreamAsync_BrokenJsonInThirdEvent_DeliversTwoThenThrowsInvalidJsonWithIndex()
    {
        await using TestServer server = await StartAsync(StreamServer.Sse,
            "data: {\"id\":1,\"text\":\"a\"}\n\ndata: {\"id\":2,\"text\":\"b\"}\n\ndata: {\"id\":3,\"text\n\ndata: {\"id\":4,\"text\":\"d\"}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("things/stream?key=secret"), TestJson.Default.Item);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(result);

        Assert.Equal([1, 2], items.Select(i => i.Id));
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(2, error.EventIndex);
        Assert.Contains("GET things/stream", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.ItemCount);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"id\":\"not a number\",\"text\":\"a\"}")]
    [InlineData("[1,2]")]
    public async Task StreamAsync_EventOfWrongShape_ThrowsInvalidJson(string data)
    {
        await using TestServer server = await StartAsync(StreamServer.Sse, $"data: {{\"id\":1,\"text\":\"a\"}}\n\ndata: {data}\n\n");
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Single(items);
        Assert.Equal(InvalidResponseReason.InvalidJson, error.Reason);
        Assert.Equal(1, error.EventIndex);
    }

    [Fact]
    public async Task StreamAsync_HtmlBody_ThrowsUnexpectedContentTypeQuotingTheBody()
    {
        await using TestServer server = await StartAsync("text/html; charset=utf-8", "<html><body>Gateway login required</body></html>");
        await using SdkClient client = StreamTestClient.Create(server);
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);

        (List<Item> items, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(result);

        Assert.Empty(items);
        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.Equal("text/html; charset=utf-8", error.ContentType);
        Assert.Contains("<html><body>Gateway login required", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
    }

    [Fact]
    public async Task StreamAsync_LongHtmlBody_MessageQuotesOnlyItsStart()
    {
        string body = "<!doctype html><title>Maintenance</title>" + new string('x', 100_000);
        await using TestServer server = await StartAsync("text/html", body);
        await using SdkClient client = StreamTestClient.Create(server);

        (_, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Contains("<!doctype html><title>Maintenance</title>", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, $"The message has {error.Message.Length} characters.");
    }

    [Fact]
    public async Task StreamAsync_NoContentType_ThrowsUnexpectedContentType()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await context.Response.Body.WriteAsync(StreamServer.Utf8("data: {\"id\":1,\"text\":\"a\"}\n\n"));
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        (_, InvalidResponseException error) = await StreamCollect.UntilAsync<Item, InvalidResponseException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.Null(error.ContentType);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task StreamAsync_ErrorStatusWithJsonBody_ThrowsApiExceptionWithStatusAndRawBody(int status)
    {
        const string errorBody = "{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}";
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            context.Response.Headers["x-request-id"] = "req-err";
            await StreamServer.SendHeadersAsync(context, "application/json", status);
            await StreamServer.WriteAsync(context, errorBody);
        }));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Retry.MaxRetries = 0); // the error as one attempt sees it
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s").WithErrorType(TestJson.Default.ErrorEnvelope), TestJson.Default.Item);

        (List<Item> items, ApiException error) = await StreamCollect.UntilAsync<Item, ApiException>(result);

        Assert.Empty(items);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(errorBody, error.RawBody);
        Assert.Equal("req-err", error.RequestId);
        Assert.Contains("The model does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal("model_not_found", Assert.IsType<ErrorEnvelope>(error.Error).Error.Code);
        Assert.Equal((HttpStatusCode)status, result.StatusCode);
    }

    [Fact]
    public async Task StreamAsync_ErrorStatusWithSseContentType_ThrowsApiException()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse, StatusCodes.Status503ServiceUnavailable);
            await StreamServer.WriteAsync(context, "data: {\"id\":1,\"text\":\"a\"}\n\n");
        }));
        await using SdkClient client = StreamTestClient.Create(server);

        (List<Item> items, ApiException error) = await StreamCollect.UntilAsync<Item, ApiException>(
            client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item));

        Assert.Empty(items);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task StreamAsync_ServerAbortsAfterNEvents_ThrowsConnectionLostWithCountAndLastId(int n)
    {
        TaskCompletionSource allReceived = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
            for (int i = 1; i <= n; i++)
            {
                await StreamServer.WriteAsync(context, $"id: ev-{i}\ndata: {{\"id\":{i},\"text\":\"t\"}}\n\n");
            }

            await StreamServer.WriteAsync(context, "id: ev-partial\ndata: {\"id\":99,");
            await allReceived.Task.WaitAsync(context.RequestAborted);
            context.Abort();
        }));
        await using SdkClient client = StreamTestClient.Create(server, o => o.Resume.Enabled = false); // one connection: resuming has its own tests
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item);
        await using IAsyncEnumerator<Item> items = result.GetAsyncEnumerator();

        for (int i = 1; i <= n; i++)
        {
            Assert.True(await StreamCollect.NextAsync(items));
            Assert.Equal(i, items.Current.Id);
        }

        allReceived.SetResult();
        StreamInterruptedException error = await Assert.ThrowsAsync<StreamInterruptedException>(() => StreamCollect.NextAsync(items));

        Assert.Equal(StreamInterruptionReason.ConnectionLost, error.Reason);
        Assert.Equal(n, error.ItemsDelivered);
        Assert.Equal($"ev-{n}", error.LastEventId);
        Assert.Equal(n, result.ItemCount);
        Assert.Equal($"ev-{n}", result.LastEventId);
    }

    [Fact]
    public async Task StreamAsync_ServerAbortsNdJsonMidLine_ThrowsConnectionLost()
    {
        TaskCompletionSource received = StreamServer.Signal();
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/s", async (HttpContext context) =>
        {
            await StreamServer.SendHeadersAsync(context, "application/x-ndjson");
            await StreamServer.WriteAsync(context, "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,");
            await received.Task.WaitAsync(context.RequestAborted);
            context.Abort();
        }));
        await using SdkClient client = StreamTestClient.Create(server);
        await using IAsyncEnumerator<Item> items = client.StreamAsync(ApiRequest.Get("s"), TestJson.Default.Item).GetAsyncEnumerator();

        Assert.True(await StreamCollect.NextAsync(items));
        received.SetResult();
        StreamInterruptedException error = await Assert.ThrowsAsync<StreamInterruptedException>(() => StreamCollect.NextAsync(items));

        Assert.Equal(StreamInterruptionReason.ConnectionLost, error.Reason);
        Assert.Equal(1, error.ItemsDelivered);
        Assert.Null(error.LastEventId);
    }

    private static Task<TestServer> StartAsync(string contentType, string body) =>
        TestServer.StartAsync(app =>
        {
            app.MapGet("/s", StreamServer.Body(contentType, body));
            app.MapGet("/things/stream", StreamServer.Body(contentType, body));
        });
}
