using System.Net.ServerSentEvents;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Sdk.Benchmarks.Model;
using Sdk.Transport;

namespace Sdk.Benchmarks.Micro;

/// <summary>
/// The decode path, SSE event to typed item, over an in-memory body of <see cref="Events"/> chunk events and <c>[DONE]</c>.
/// Figures are per event (<c>OperationsPerInvoke</c>). Raw: <see cref="SseParser"/> + source-generated JSON over a
/// <see cref="MemoryStream"/>. Sdk: the internal <c>SseDecoder</c> over the same stream, and the whole
/// <see cref="SdkClient.StreamAsync{T}"/> over <see cref="InMemoryTransport"/> (request, timeouts, decoder, sentinel).
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    public const int Events = 1_000;
    private byte[] _body = [];
    private long _textLength;
    private SdkClient _client = null!;
    private InMemoryTransport _transport = null!;
    private ApiRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_body, _textLength) = Payloads.CreateSseBody(Events);
        ScriptedResponse script = ScriptedResponse.Sse().Write(_body);
        _transport = new InMemoryTransport { Responder = _ => script };
        _client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://bench.invalid/v1/") }).UseTransport(_transport).Build();
        _request = ApiRequest.Post("chat/completions", Payloads.StreamRequest, BenchJson.Default.ChatRequest);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _transport.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public async Task<long> RawSseParser()
    {
        using var body = new MemoryStream(_body, writable: false);
        long text = 0;
        await foreach (SseItem<ChatChunk?> item in SseParser.Create(body, ParseChunk).EnumerateAsync())
        {
            if (item.Data is not { } chunk)
            {
                break;
            }

            text += chunk.TextLength;
        }

        return Check(text);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> SdkSseDecoder()
    {
        var settings = new DecoderSettings<ChatChunk>
        {
            ItemType = BenchJson.Default.ChatChunk,
            Sentinel = "[DONE]"u8.ToArray(),
            EventTypes = null,
            MaxLineBytes = 4 * 1024 * 1024,
            MaxEventBytes = 16 * 1024 * 1024,
            CaptureRaw = false,
            RequestName = "POST chat/completions",
        };
        var decoder = new SseDecoder<ChatChunk>(new MemoryStream(_body, writable: false), settings, CancellationToken.None);
        await using (decoder)
        {
            long text = 0;
            while (await decoder.MoveNextAsync() && decoder.Kind != DecodedKind.Sentinel)
            {
                text += decoder.Value!.TextLength;
            }

            return Check(text);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> SdkStreamAsyncInMemory()
    {
        long text = 0;
        await foreach (ChatChunk chunk in _client.StreamAsync(_request, BenchJson.Default.ChatChunk))
        {
            text += chunk.TextLength;
        }

        return Check(text);
    }

    private static ChatChunk? ParseChunk(string eventType, ReadOnlySpan<byte> data) =>
        data.SequenceEqual("[DONE]"u8) ? null : JsonSerializer.Deserialize(data, BenchJson.Default.ChatChunk);

    private long Check(long text) =>
        text == _textLength ? text : throw new InvalidOperationException($"Decoded {text} characters of text, expected {_textLength}.");
}
