using Sdk.Benchmarks.Model;
using Sdk.Plugins.BuiltIn;

namespace Sdk.Benchmarks.Compare;

/// <summary>
/// The product with default options (so with the built-in plugins: user agent, request id, idempotency key, redirects)
/// and a bearer credential (the authentication plugin): <see cref="SdkClient.StreamAsync{T}"/> and <see cref="SdkClient.SendAsync{T}"/>.
/// </summary>
internal sealed class SdkContender : IContender
{
    private readonly SdkClient _client;

    /// <param name="server">The bench server.</param>
    /// <param name="bare">
    /// Without any built-in plugin and without the credential (<c>--bare</c>, reported as <c>sdk_bare</c>): a diagnostic that
    /// shows what the built-ins cost in the same run.
    /// </param>
    public SdkContender(Uri server, bool bare = false)
    {
        var options = new ClientOptions { BaseAddress = new Uri(server, "v1/"), Credential = bare ? null : ApiCredential.Bearer("sk-bench") };
        SdkClientBuilder builder = SdkClient.CreateBuilder(options);
        if (bare)
        {
            foreach (string id in (string[])[BuiltInPlugins.SdkHeaders, BuiltInPlugins.RequestId, BuiltInPlugins.Idempotency, BuiltInPlugins.Redirects])
            {
                builder.RemovePlugin(id);
            }
        }

        _client = builder.Build();
        Name = bare ? "sdk_bare" : "sdk";
    }

    public string Name { get; }

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
