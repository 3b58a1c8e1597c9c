using System.Net.ServerSentEvents;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Sdk.Benchmarks.Model;
using Sdk.Transport;

namespace Sdk.Benchmarks.Micro;

/// <summary>
/// Where the Sdk's per-event cost goes, over the same in-memory bytes (a <see cref="MemoryStream"/>, so no HTTP read cost
/// hides it): raw <see cref="SseParser"/>, the raw parser over the Sdk's line-scanning stream (limits and WHATWG fixes), and
/// the whole <see cref="SdkClient.StreamAsync{T}"/> over a transport that returns the stream.
/// </summary>
[MemoryDiagnoser]
public class StreamOverheadBenchmarks
{
    public const int Events = 2_000;
    private byte[] _body = [];
    private SdkClient _client = null!;
    private ApiRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_body, _) = Payloads.CreateSseBody(Events);
        _client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://bench.invalid/v1/") }).UseTransport(new MemoryTransport(_body)).Build();
        _request = ApiRequest.Post("chat/completions", Payloads.StreamRequest, BenchJson.Default.ChatRequest);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public async Task<long> Raw()
    {
        using var body = new MemoryStream(_body, writable: false);
        long n = 0;
        await foreach (SseItem<ChatChunk?> item in SseParser.Create(body, static (t, d) => d.SequenceEqual("[DONE]"u8) ? null : JsonSerializer.Deserialize(d, BenchJson.Default.ChatChunk)).EnumerateAsync())
        {
            if (item.Data is null)
            {
                break;
            }

            n++;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> RawOverSdkLineScanner()
    {
        using var body = new SseLimitStream(new MemoryStream(_body, writable: false), 1 << 22, 1 << 24, static (r, s) => new InvalidOperationException());
        long n = 0;
        await foreach (SseItem<ChatChunk?> item in SseParser.Create(body, static (t, d) => d.SequenceEqual("[DONE]"u8) ? null : JsonSerializer.Deserialize(d, BenchJson.Default.ChatChunk)).EnumerateAsync())
        {
            if (item.Data is null)
            {
                break;
            }

            n++;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> Sdk()
    {
        long n = 0;
        await foreach (ChatChunk chunk in _client.StreamAsync(_request, BenchJson.Default.ChatChunk))
        {
            n++;
        }

        return n;
    }

    private sealed class MemoryTransport(byte[] body) : SdkTransport
    {
        protected override ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(body, writable: false));
            content.Headers.TryAddWithoutValidation("Content-Type", "text/event-stream");
            return new ValueTask<HttpResponseMessage>(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content });
        }
    }
}
