using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Compare;

/// <summary>Hand-written code: <see cref="HttpClient"/> + <see cref="SseParser"/> + source-generated System.Text.Json.</summary>
internal sealed class RawContender : IContender
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    private readonly Uri _chat;

    public RawContender(Uri server)
    {
        _chat = new Uri(server, Payloads.ChatPath);
    }

    public string Name => "raw";

    public async Task<Decoded> StreamAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = CreateRequest(Payloads.StreamRequest, "text/event-stream");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long items = 0;
        long text = 0;
        await foreach (SseItem<ChatChunk?> item in SseParser.Create(body, ParseChunk).EnumerateAsync(cancellationToken))
        {
            if (item.Data is not { } chunk)
            {
                break;
            }

            items++;
            text += chunk.TextLength;
        }

        return new Decoded(items, text);
    }

    public async Task<Decoded> UnaryAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = CreateRequest(Payloads.UnaryRequest, "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        ChatResponse? value = await response.Content.ReadFromJsonAsync(BenchJson.Default.ChatResponse, cancellationToken);
        return new Decoded(1, value!.TextLength);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ChatChunk? ParseChunk(string eventType, ReadOnlySpan<byte> data) =>
        data.SequenceEqual("[DONE]"u8) ? null : JsonSerializer.Deserialize(data, BenchJson.Default.ChatChunk);

    private HttpRequestMessage CreateRequest(ChatRequest body, string accept)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, BenchJson.Default.ChatRequest));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _chat) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-bench"); // as the other two send it
        return request;
    }
}
