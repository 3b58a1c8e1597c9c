using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Errors;

/// <summary>
/// A server may echo the credential encoded rather than raw: JSON-escaped by its serializer, URL-encoded in a quoted URL,
/// or base64. None of those forms reaches an exception's message, its ToString(), its RawBody or its parsed Error.
/// </summary>
public sealed class CredentialEncodedFormsTests
{
    // '+', '/' and '=' change under JSON escaping (System.Text.Json writes '+' as \u002B), URL encoding and base64.
    private const string Token = "sk+live/SECRET=42";

    [Fact]
    public async Task ApiException_ServerEchoesCredentialEncoded_NoFormOfItSurvives()
    {
        string json = JsonSerializer.Serialize(Token);
        string url = Uri.EscapeDataString(Token);
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Token));
        Assert.Contains("\\u002B", json, StringComparison.Ordinal);

        await using TestServer server = await TestServer.StartAsync(app => app.MapGet("/v1/denied", (HttpContext context) =>
            CoreResponses.WriteWithLengthAsync(
                context,
                $"{{\"error\":{{\"message\":{JsonSerializer.Serialize($"bad key {Token} at /keys?k={url} b64 {base64}")},\"type\":\"auth\",\"code\":{json}}}}}",
                "application/json",
                401)));
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Credential = ApiCredential.Bearer(Token),
            ErrorType = TestJson.Default.ErrorEnvelope,
        });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("denied")).WaitAsync(CoreAsync.Bound));

        ErrorEnvelope parsed = Assert.IsType<ErrorEnvelope>(error.Error);
        foreach (string form in new[] { Token, json.Trim('"'), url, base64 })
        {
            Assert.DoesNotContain(form, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(form, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(form, error.RawBody!, StringComparison.Ordinal);
            Assert.DoesNotContain(form, parsed.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains("bad key ***", error.Message, StringComparison.Ordinal);
        Assert.Equal("***", parsed.Error.Code);
    }
}
