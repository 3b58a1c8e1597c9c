using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Errors;

/// <summary>
/// The credential never appears in an exception's Message, ToString() or RawBody, even when the server echoes it back
/// (in its error body, its headers, or as part of the request URL it quotes).
/// </summary>
public sealed class CredentialRedactionTests
{
    private const string Token = "sk-proj-Zx81_live_SECRET_4e7a";

    public static TheoryData<string> CredentialKinds => new() { "bearer", "apikey" };

    private static ApiCredential Credential(string kind) =>
        kind == "bearer" ? ApiCredential.Bearer(Token) : ApiCredential.ApiKey(Token, "X-Goog-Api-Key");

    /// <summary>
    /// A server that echoes everything it was sent: the credential headers and the raw request target, in its error body
    /// (JSON or plain text) and in response headers.
    /// </summary>
    private static Task<TestServer> StartEchoingServerAsync() => TestServer.StartAsync(app =>
    {
        app.MapGet("/v1/json", (HttpContext context) =>
        {
            string echoed = Echo(context);
            context.Response.Headers["WWW-Authenticate"] = $"Bearer error=\"invalid_token\", token=\"{echoed}\"";
            context.Response.Headers["x-request-id"] = "req_1";
            string body = $"{{\"error\":{{\"message\":\"Incorrect API key provided: {echoed}. You can find your API key at https://example.com.\",\"type\":\"invalid_request_error\"}}}}";
            return CoreResponses.WriteWithLengthAsync(context, body, "application/json", 401);
        });
        app.MapGet("/v1/text", (HttpContext context) =>
            CoreResponses.WriteWithLengthAsync(context, $"denied for {Echo(context)}", "text/plain", 403));
        app.MapGet("/v1/html", (HttpContext context) =>
            CoreResponses.WriteWithLengthAsync(context, $"<html><body>Debug: you sent {Echo(context)}</body></html>", "text/html", 200));
    });

    private static string Echo(HttpContext context) =>
        $"auth=[{context.Request.Headers.Authorization}] key=[{context.Request.Headers["X-Goog-Api-Key"]}] target=[{context.Features.Get<IHttpRequestFeature>()!.RawTarget}]";

    private static void AssertNoSecret(Exception error)
    {
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        if (error is ApiException api)
        {
            Assert.DoesNotContain(Token, api.RawBody ?? "", StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task ApiException_ServerEchoesCredentialInJsonBodyAndHeaders_CredentialRedacted(string kind)
    {
        await using TestServer server = await StartEchoingServerAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = Credential(kind) });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("json"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        // The server really did echo it, so the redaction is what keeps it out.
        Assert.Contains(Token, error.Headers!.GetValues("WWW-Authenticate").Single(), StringComparison.Ordinal);
        AssertNoSecret(error);
        Assert.Contains("Incorrect API key provided:", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.RawBody, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task ApiException_ServerEchoesCredentialInTextBody_CredentialRedacted(string kind)
    {
        await using TestServer server = await StartEchoingServerAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = Credential(kind) });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("text")).WaitAsync(CoreAsync.Bound));

        AssertNoSecret(error);
        Assert.StartsWith("denied for", error.RawBody, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task ApiException_KeyAlsoInQuery_NeitherMessageNorRawBodyContainsIt(string kind)
    {
        await using TestServer server = await StartEchoingServerAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = Credential(kind) });

        ApiException fromQuery = await Assert.ThrowsAsync<ApiException>(
            () => client.SendAsync(ApiRequest.Get("json").WithQuery("key", Token), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        ApiException fromPath = await Assert.ThrowsAsync<ApiException>(
            () => client.SendAsync(ApiRequest.Get($"text?key={Token}"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Contains("target=[/v1/json?key=***]", fromQuery.RawBody, StringComparison.Ordinal);
        AssertNoSecret(fromQuery);
        AssertNoSecret(fromPath);
    }

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task ApiException_ConfiguredErrorTypeParsesEchoedBody_MessageStillRedacted(string kind)
    {
        await using TestServer server = await StartEchoingServerAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Credential = Credential(kind),
            ErrorType = TestJson.Default.ErrorEnvelope,
        });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("json"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        AssertNoSecret(error);
        Assert.True(error.TryGetError(TestJson.Default.ErrorEnvelope, out ErrorEnvelope? _));
    }

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task InvalidResponseException_HtmlBodyEchoesCredential_CredentialRedacted(string kind)
    {
        await using TestServer server = await StartEchoingServerAsync();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = Credential(kind) });

        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => client.SendAsync(ApiRequest.Get("html"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(InvalidResponseReason.UnexpectedContentType, error.Reason);
        Assert.Contains("Debug: you sent", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error);
    }

    [Fact]
    public async Task TransportException_KeyInQuery_MessageDoesNotContainIt()
    {
        int port = CoreUnansweredListener.GetClosedPort();
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri($"http://127.0.0.1:{port}/v1/"), Credential = Credential("apikey") });

        TransportException error = await Assert.ThrowsAsync<TransportException>(
            () => client.SendAsync(ApiRequest.Get($"items?key={Token}").WithQuery("key2", Token), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        AssertNoSecret(error);
    }

    [Fact]
    public async Task SdkTimeoutException_KeyInQuery_MessageDoesNotContainIt()
    {
        var time = new ManualTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/slow", async (HttpContext context) =>
        {
            received.TrySetResult();
            await CoreResponses.WaitForAbortAsync(context);
        }));
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Credential = Credential("bearer"),
            TimeProvider = time,
            Retry = { MaxRetries = 0 }, // one attempt; retries have their own tests
            Timeouts = { Connect = TimeSpan.FromSeconds(1), Attempt = TimeSpan.FromSeconds(1) },
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get($"slow?key={Token}"), TestJson.Default.Item);
        await received.Task.WaitAsync(CoreAsync.Bound);
        time.Advance(TimeSpan.FromSeconds(1));

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        AssertNoSecret(error);
    }

    [Fact]
    public void ApiCredential_ToString_HidesSecret()
    {
        Assert.Equal("ApiCredential(Bearer, Authorization: ***)", ApiCredential.Bearer(Token).ToString());
        Assert.Equal("ApiCredential(ApiKey, X-Goog-Api-Key: ***)", ApiCredential.ApiKey(Token, "X-Goog-Api-Key").ToString());
        Assert.DoesNotContain(Token, $"{ApiCredential.Bearer(Token)}", StringComparison.Ordinal);
    }
}
