using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Errors;

/// <summary>ApiException's data: status, headers, request id, the bounded raw body and the parsed error.</summary>
public sealed class ApiExceptionTests
{
    private const string OpenAiError = "{\"error\":{\"message\":\"No such model\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}";
    private const string Problem = "{\"type\":\"https://example.com/probs/out-of-credit\",\"title\":\"Out of credit\",\"status\":403,\"detail\":\"Balance is 30, cost is 50.\"}";

    /// <summary>A server whose <c>/v1/fail</c> answers with the status, body and content type given in the query.</summary>
    private static Task<TestServer> StartAsync(string body, int status = 400, string contentType = "application/json") =>
        TestServer.StartAsync(app => app.MapGet("/v1/fail", (HttpContext context) =>
        {
            context.Response.Headers["x-request-id"] = "req_err_1";
            context.Response.Headers["x-ratelimit-remaining"] = "0";
            return CoreResponses.WriteWithLengthAsync(context, body, contentType, status);
        }));

    private static SdkClient Client(TestServer server, Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Retry = { MaxRetries = 0 } }; // error mapping of one attempt; retries have their own tests
        configure?.Invoke(options);
        return SdkClient.Create(options);
    }

    private static Task<ApiException> FailAsync(SdkClient client, ApiRequest? request = null) =>
        Assert.ThrowsAsync<ApiException>(() => client.SendAsync(request ?? ApiRequest.Get("fail"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

    [Fact]
    public async Task SendAsync_ErrorWithoutErrorType_KeepsRawBodyHeadersAndRequestId()
    {
        await using TestServer server = await StartAsync(OpenAiError, 404);
        await using SdkClient client = Client(server);

        ApiException error = await FailAsync(client);

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(OpenAiError, error.RawBody);
        Assert.False(error.RawBodyTruncated);
        Assert.Null(error.Error);
        Assert.Equal("req_err_1", error.RequestId);
        Assert.NotNull(error.Headers);
        Assert.True(error.Headers.TryGetValue("x-ratelimit-remaining", out string? remaining));
        Assert.Equal("0", remaining);
        Assert.Equal("application/json", error.Headers.ContentType);
    }

    [Fact]
    public async Task SendAsync_ClientErrorType_PopulatesError()
    {
        await using TestServer server = await StartAsync(OpenAiError, 404);
        await using SdkClient client = Client(server, o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        ApiException error = await FailAsync(client);

        ErrorEnvelope envelope = Assert.IsType<ErrorEnvelope>(error.Error);
        Assert.Equal(new ErrorBody("No such model", "invalid_request_error", "model_not_found"), envelope.Error);
    }

    [Fact]
    public async Task SendAsync_RequestErrorType_OverridesClientErrorType()
    {
        await using TestServer server = await StartAsync(Problem, 403, "application/problem+json");
        await using SdkClient client = Client(server, o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        ApiException error = await FailAsync(client, ApiRequest.Get("fail").WithErrorType(CoreJson.Default.CoreProblem));

        CoreProblem problem = Assert.IsType<CoreProblem>(error.Error);
        Assert.Equal(new CoreProblem("https://example.com/probs/out-of-credit", "Out of credit", 403, "Balance is 30, cost is 50."), problem);
    }

    [Fact]
    public async Task SendAsync_RequestErrorTypeWithoutClientErrorType_PopulatesError()
    {
        await using TestServer server = await StartAsync(OpenAiError, 429);
        await using SdkClient client = Client(server);

        ApiException error = await FailAsync(client, ApiRequest.Get("fail").WithErrorType(TestJson.Default.ErrorEnvelope));

        Assert.IsType<ErrorEnvelope>(error.Error);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
    }

    [Fact]
    public async Task SendAsync_ErrorBodyNotParseable_ErrorIsNullAndRawBodyKept()
    {
        await using TestServer server = await StartAsync("upstream connect error", 503, "text/plain");
        await using SdkClient client = Client(server, o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        ApiException error = await FailAsync(client);

        Assert.Null(error.Error);
        Assert.Equal("upstream connect error", error.RawBody);
        Assert.False(error.TryGetError(TestJson.Default.ErrorEnvelope, out ErrorEnvelope? parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public async Task TryGetError_WithoutConfiguredType_ParsesRawBodyOnDemand()
    {
        await using TestServer server = await StartAsync(OpenAiError, 400);
        await using SdkClient client = Client(server);

        ApiException error = await FailAsync(client);

        Assert.True(error.TryGetError(TestJson.Default.ErrorEnvelope, out ErrorEnvelope? envelope));
        Assert.Equal("No such model", envelope.Error.Message);
        Assert.True(error.TryGetError(CoreJson.Default.CoreProblem, out CoreProblem? asProblem));
        Assert.Null(asProblem.Detail);
    }

    [Fact]
    public async Task TryGetError_ConfiguredTypeMatches_ReturnsSameInstance()
    {
        await using TestServer server = await StartAsync(OpenAiError, 400);
        await using SdkClient client = Client(server, o => o.ErrorType = TestJson.Default.ErrorEnvelope);

        ApiException error = await FailAsync(client);

        Assert.True(error.TryGetError(TestJson.Default.ErrorEnvelope, out ErrorEnvelope? envelope));
        Assert.Same(error.Error, envelope);
    }

    [Fact]
    public async Task SendAsync_ErrorBodyOverMaxErrorBodyBytes_RawBodyCutAndMarkedTruncated()
    {
        string body = "{\"error\":{\"message\":\"" + new string('m', 10_000) + "\"}}";
        await using TestServer server = await StartAsync(body, 500);
        await using SdkClient client = Client(server, o =>
        {
            o.MaxErrorBodyBytes = 100;
            o.ErrorType = TestJson.Default.ErrorEnvelope;
        });

        ApiException error = await FailAsync(client);

        Assert.Equal(body[..100], error.RawBody);
        Assert.True(error.RawBodyTruncated);
        Assert.Null(error.Error);
        Assert.False(error.TryGetError(TestJson.Default.ErrorEnvelope, out _));
        Assert.InRange(error.Message.Length, 1, 400);
    }

    [Fact]
    public async Task SendAsync_ErrorBodyExactlyMaxErrorBodyBytes_NotTruncated()
    {
        await using TestServer server = await StartAsync(OpenAiError, 400);
        await using SdkClient client = Client(server, o =>
        {
            o.MaxErrorBodyBytes = OpenAiError.Length;
            o.ErrorType = TestJson.Default.ErrorEnvelope;
        });

        ApiException error = await FailAsync(client);

        Assert.Equal(OpenAiError, error.RawBody);
        Assert.False(error.RawBodyTruncated);
        Assert.IsType<ErrorEnvelope>(error.Error);
    }

    [Fact]
    public async Task SendAsync_MaxErrorBodyBytesZero_ReadsNoBody()
    {
        await using TestServer server = await StartAsync(OpenAiError, 400);
        await using SdkClient client = Client(server, o => o.MaxErrorBodyBytes = 0);

        ApiException error = await FailAsync(client);

        Assert.Null(error.RawBody);
        Assert.True(error.RawBodyTruncated);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_EmptyErrorBody_RawBodyNullAndMessageNamesStatus()
    {
        await using TestServer server = await StartAsync("", 502);
        await using SdkClient client = Client(server);

        ApiException error = await FailAsync(client);

        Assert.Null(error.RawBody);
        Assert.False(error.RawBodyTruncated);
        Assert.Equal("GET fail returned 502 Bad Gateway (request id req_err_1)", error.Message);
    }

    [Fact]
    public async Task SendAsync_EndlessErrorBody_ThrowsPromptlyWithBoundedRawBody()
    {
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/fail", async (HttpContext context) =>
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "text/plain";
            byte[] chunk = new byte[16 * 1024];
            Array.Fill(chunk, (byte)'e');
            try
            {
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
        await using SdkClient client = Client(server, o => o.MaxErrorBodyBytes = 1000);

        ApiException error = await FailAsync(client);

        Assert.Equal(new string('e', 1000), error.RawBody);
        Assert.True(error.RawBodyTruncated);
        await server.WaitForConnectionsAsync(open => open == 0, CoreAsync.Bound);
    }

    [Fact]
    public async Task ApiException_IsAnSdkException()
    {
        await using TestServer server = await StartAsync(OpenAiError, 400);
        await using SdkClient client = Client(server);

        SdkException error = await Assert.ThrowsAnyAsync<SdkException>(() => client.SendAsync(ApiRequest.Get("fail"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.IsType<ApiException>(error);
    }
}
