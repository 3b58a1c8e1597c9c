using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Compare;

/// <summary>
/// The product with default options (so with the built-in plugins: user agent, request id, idempotency key, redirects)
/// and a bearer credential (the authentication plugin): <see cref="SdkClient.StreamAsync{T}"/> and <see cref="SdkClient.SendAsync{T}"/>.
/// </summary>
internal sealed class SdkContender : IContender
{
    private readonly SdkClient _client;

    public SdkContender(Uri server)
    {
        _client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server, "v1/"), Credential = ApiCredential.Bearer("sk-bench") });
    }

    public string Name => "sdk";

    public async Task<Decoded> StreamAsync(CancellationToken cancellationToken)
    {
        ApiRequest request = ApiRequest.Post("chat/completions", Payloads.StreamRequest, BenchJson.Default.ChatRequest);
        long items = 0;
        long text = 0;
        await foreach (ChatChunk chunk in _client.StreamAsync(request, BenchJson.Default.ChatChunk, cancellationToken: cancellationToken))
        {
            items++;
            text += chunk.TextLength;
        }

        return new Decoded(items, text);
    }

    public async Task<Decoded> UnaryAsync(CancellationToken cancellationToken)
    {
        ApiRequest request = ApiRequest.Post("chat/completions", Payloads.UnaryRequest, BenchJson.Default.ChatRequest);
        ApiResponse<ChatResponse> response = await _client.SendAsync(request, BenchJson.Default.ChatResponse, cancellationToken);
        return new Decoded(1, response.Value.TextLength);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
