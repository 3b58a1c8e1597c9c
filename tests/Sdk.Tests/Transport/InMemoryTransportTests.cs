using System.Net;
using System.Text.Json;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Transport;

/// <summary>
/// InMemoryTransport as users use it in their own unit tests: scripted JSON and SSE, delays on a manual clock, drops,
/// stalls, failures, recorded requests and a responder.
/// </summary>
public sealed class InMemoryTransportTests
{
    private static SdkClient Client(InMemoryTransport transport, ManualTimeProvider? time = null, Action<ClientOptions>? configure = null)
    {
        // One scripted response per call: retries (covered by the resilience tests) would consume the queue.
        var options = new ClientOptions { BaseAddress = new Uri("https://api.example.com/v1/"), TimeProvider = time ?? new ManualTimeProvider(), Retry = { MaxRetries = 0 } };
        configure?.Invoke(options);
        return SdkClient.CreateBuilder(options).UseTransport(transport).Build();
    }

    [Fact]
    public async Task SendAsync_ScriptedJson_ReturnsValueStatusAndHeaders()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,\"text\":\"scripted\"}", HttpStatusCode.Created).WithHeader("x-request-id", "req_mem").WithHeader("Content-Language", "en"));
        await using SdkClient client = Client(transport);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(1, "scripted"), response.Value);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("req_mem", response.RequestId);
        Assert.Equal(["en"], response.Headers.GetValues("Content-Language"));
    }

    [Fact]
    public async Task SendAsync_ScriptedError_ThrowsApiExceptionWithParsedError()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"error\":{\"message\":\"nope\"}}", HttpStatusCode.BadRequest));
        await using SdkClient client = Client(transport, configure: o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal("nope", Assert.IsType<ErrorEnvelope>(error.Error).Error.Message);
    }

    [Fact]
    public async Task SendAsync_ScriptedContentTypeViaWithHeader_IsUsed()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Create(HttpStatusCode.OK).WithHeader("Content-Type", "text/html").Write("<p>hi</p>"));
        await using SdkClient client = Client(transport);

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.Contains("<p>hi</p>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_RecordsMethodUriHeadersAndBody()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"text\":\"x\",\"count\":1}"));
        await using SdkClient client = Client(transport, configure: o =>
        {
            o.Credential = ApiCredential.Bearer("tok");
            o.DefaultHeaders["X-Tenant"] = "acme";
        });

        await client.SendAsync(
            ApiRequest.Post("echo", new EchoRequest("x", 1), TestJson.Default.EchoRequest).WithQuery("q", "a b").WithHeader("X-Trace", "t"),
            TestJson.Default.EchoRequest).WaitAsync(CoreAsync.Bound);

        RecordedRequest recorded = Assert.Single(transport.Requests);
        Assert.Equal(HttpMethod.Post, recorded.Method);
        Assert.Equal("https://api.example.com/v1/echo?q=a%20b", recorded.Uri.AbsoluteUri);
        Assert.Equal("Bearer tok", recorded.Headers["authorization"]);
        Assert.Equal("acme", recorded.Headers["X-Tenant"]);
        Assert.Equal("t", recorded.Headers["X-Trace"]);
        Assert.Equal("application/json", recorded.Headers["Accept"]);
        Assert.Equal("application/json", recorded.Headers["Content-Type"]);
        Assert.Equal("{\"text\":\"x\",\"count\":1}", recorded.BodyText);
        Assert.Equal(recorded.BodyText, System.Text.Encoding.UTF8.GetString(recorded.Body.Span));
        Assert.Equal("POST /v1/echo", recorded.ToString());
    }

    [Fact]
    public async Task Requests_GetWithoutBody_RecordsEmptyBody()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Create(HttpStatusCode.NoContent));
        await using SdkClient client = Client(transport);

        ApiResponse response = await client.SendAsync(ApiRequest.Delete("items/1")).WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        RecordedRequest recorded = Assert.Single(transport.Requests);
        Assert.Equal(HttpMethod.Delete, recorded.Method);
        Assert.True(recorded.Body.IsEmpty);
        Assert.False(recorded.Headers.ContainsKey("Content-Type"));
    }

    [Fact]
    public async Task SendAsync_QueueThenResponder_QueueFirstThenResponderForTheRest()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"id\":0,\"text\":\"queued\"}"));
        transport.Responder = request => ScriptedResponse.Json(JsonSerializer.Serialize(new Item(request.Uri.Segments.Length, request.Uri.AbsolutePath), TestJson.Default.Item));
        await using SdkClient client = Client(transport);

        Item first = (await client.SendAsync(ApiRequest.Get("a"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value;
        Item second = (await client.SendAsync(ApiRequest.Get("b/c"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value;
        Item third = (await client.SendAsync(ApiRequest.Get("d"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value;

        Assert.Equal("queued", first.Text);
        Assert.Equal("/v1/b/c", second.Text);
        Assert.Equal("/v1/d", third.Text);
        Assert.Equal(3, transport.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_NoScriptAndNoResponder_ThrowsClearInvalidOperation()
    {
        var transport = new InMemoryTransport();
        await using SdkClient client = Client(transport);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(ApiRequest.Get("missing"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal("InMemoryTransport has no scripted response for GET /v1/missing.", error.Message);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task SendAsync_SameScriptEnqueuedTwice_PlaysFromStartEachTime()
    {
        var transport = new InMemoryTransport();
        ScriptedResponse script = ScriptedResponse.Json("{\"id\":5,").Write("\"text\":\"twice\"}");
        transport.Enqueue(script).Enqueue(script);
        await using SdkClient client = Client(transport);

        Item first = (await client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value;
        Item second = (await client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound)).Value;

        Assert.Equal(new Item(5, "twice"), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task SendAsync_FailScript_ThrowsTransportException()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Fail()).Enqueue(ScriptedResponse.Fail(new IOException("reset by peer")));
        await using SdkClient client = Client(transport);

        TransportException first = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        TransportException second = await Assert.ThrowsAsync<TransportException>(() => client.SendAsync(ApiRequest.Get("x")).WaitAsync(CoreAsync.Bound));

        Assert.IsType<HttpRequestException>(first.InnerException);
        Assert.StartsWith("GET x failed before a response arrived", first.Message, StringComparison.Ordinal);
        Assert.Equal("reset by peer", Assert.IsType<IOException>(second.InnerException).Message);
    }

    [Fact]
    public async Task SendAsync_DelayHeadersBeyondAttemptTimeout_ThrowsAttemptTimeout()
    {
        var time = new ManualTimeProvider();
        var transport = new InMemoryTransport(time);
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,\"text\":\"late\"}").DelayHeaders(TimeSpan.FromSeconds(30)));
        await using SdkClient client = Client(transport, time, o => o.Timeouts = new TimeoutOptions { Connect = TimeSpan.FromSeconds(1), Attempt = TimeSpan.FromSeconds(5) });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item);
        await time.WaitForAsync(t => t.ActiveTimers >= 2);
        time.Advance(TimeSpan.FromSeconds(5));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Attempt, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
    }

    [Fact]
    public async Task SendAsync_DelayHeadersWithinAttemptTimeout_ArrivesOnlyAfterAdvance()
    {
        var time = new ManualTimeProvider();
        var transport = new InMemoryTransport(time);
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,\"text\":\"late\"}").DelayHeaders(TimeSpan.FromSeconds(3)));
        await using SdkClient client = Client(transport, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item);
        await time.WaitForAsync(t => t.ActiveTimers >= 2);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal("late", (await call.WaitAsync(CoreAsync.Bound)).Value.Text);
    }

    [Fact]
    public void Enqueue_Null_Throws()
    {
        var transport = new InMemoryTransport();

        Assert.Throws<ArgumentNullException>(() => transport.Enqueue(null!));
    }
}
