using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Errors;

/// <summary>What an ApiException's message says: method, path without query, status, request id and the server's own message.</summary>
public sealed class ApiExceptionMessageTests
{
    /// <summary>A server answering every path with the status, content type and body the test set.</summary>
    private sealed class ErrorServer : IAsyncDisposable
    {
        private TestServer _server = null!;

        public string Body { get; set; } = "";

        public string ContentType { get; set; } = "application/json";

        public int Status { get; set; } = 400;

        public string? RequestId { get; set; } = "req_abc123";

        public Uri BaseAddress => new(_server.BaseAddress, "v1/");

        public static async Task<ErrorServer> StartAsync()
        {
            var result = new ErrorServer();
            result._server = await TestServer.StartAsync(app => app.Map("/{**rest}", (HttpContext context) =>
            {
                if (result.RequestId is { } id)
                {
                    context.Response.Headers["request-id"] = id;
                }

                return CoreResponses.WriteWithLengthAsync(context, result.Body, result.ContentType, result.Status);
            }));
            return result;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }

    private static async Task<ApiException> FailAsync(ErrorServer server, ApiRequest request)
    {
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = server.BaseAddress, Retry = { MaxRetries = 0 } }); // error mapping of one attempt; retries have their own tests
        return await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(request, TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
    }

    [Fact]
    public async Task Message_OpenAiStyleError_NamesMethodPathStatusRequestIdAndErrorMessage()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Status = 404;
        server.Body = "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The model `gpt-9` does not exist\",\"param\":null}}";

        ApiException error = await FailAsync(server, ApiRequest.Post("chat/completions"));

        Assert.Equal("POST chat/completions returned 404 Not Found (request id req_abc123): The model `gpt-9` does not exist", error.Message);
    }

    [Fact]
    public async Task Message_TopLevelMessageField_IsQuoted()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Status = 422;
        server.Body = "{\"code\":17,\"message\":\"Email is invalid\"}";

        ApiException error = await FailAsync(server, ApiRequest.Get("users/1"));

        Assert.Equal("GET users/1 returned 422 Unprocessable Entity (request id req_abc123): Email is invalid", error.Message);
    }

    [Fact]
    public async Task Message_ProblemJson_QuotesDetailOverTitle()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Status = 403;
        server.ContentType = "application/problem+json";
        server.Body = "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"Your plan does not include exports.\"}";

        ApiException error = await FailAsync(server, ApiRequest.Get("exports"));

        Assert.EndsWith(": Your plan does not include exports.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("about:blank", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_ProblemJsonWithTitleOnly_QuotesTitle()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.ContentType = "application/problem+json";
        server.Body = "{\"title\":\"One or more validation errors occurred.\",\"status\":400}";

        ApiException error = await FailAsync(server, ApiRequest.Get("x"));

        Assert.EndsWith(": One or more validation errors occurred.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_ErrorAsString_IsQuoted()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Status = 401;
        server.Body = "{\"error\":\"invalid_grant\",\"message\":\"less preferred\"}";

        ApiException error = await FailAsync(server, ApiRequest.Get("x"));

        Assert.EndsWith(": invalid_grant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_NonJsonBody_QuotesASnippetOnOneLine()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Status = 503;
        server.ContentType = "text/plain";
        server.Body = "upstream connect error\r\nreset reason: overflow";

        ApiException error = await FailAsync(server, ApiRequest.Get("x"));

        Assert.EndsWith(": upstream connect error  reset reason: overflow", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_VeryLongServerMessage_IsShortened()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Body = "{\"message\":\"" + new string('z', 5000) + "\"}";

        ApiException error = await FailAsync(server, ApiRequest.Get("x"));

        Assert.InRange(error.Message.Length, 300, 400);
        Assert.EndsWith("…", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_WithoutRequestIdHeader_OmitsRequestIdPart()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.RequestId = null;
        server.Status = 500;
        server.Body = "{\"message\":\"boom\"}";

        ApiException error = await FailAsync(server, ApiRequest.Get("x"));

        Assert.Equal("GET x returned 500 Internal Server Error: boom", error.Message);
        Assert.Null(error.RequestId);
    }

    [Fact]
    public async Task Message_NeverContainsTheQueryString()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Body = "{\"message\":\"bad\"}";

        ApiException fromQuery = await FailAsync(server, ApiRequest.Get("search").WithQuery("email", "jane@example.com"));
        ApiException fromPath = await FailAsync(server, ApiRequest.Get("search?email=jane@example.com#frag"));

        Assert.Equal("GET search returned 400 Bad Request (request id req_abc123): bad", fromQuery.Message);
        Assert.Equal("GET search returned 400 Bad Request (request id req_abc123): bad", fromPath.Message);
        Assert.DoesNotContain("jane", fromQuery.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("jane", fromPath.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_AbsoluteSameOriginPathWithQuery_OmitsQuery()
    {
        await using ErrorServer server = await ErrorServer.StartAsync();
        server.Body = "{\"message\":\"bad\"}";
        string absolute = new Uri(server.BaseAddress, "things?token=abc").AbsoluteUri;

        ApiException error = await FailAsync(server, ApiRequest.Get(absolute));

        Assert.DoesNotContain("token=abc", error.Message, StringComparison.Ordinal);
        Assert.Contains("/v1/things returned 400", error.Message, StringComparison.Ordinal);
    }
}
