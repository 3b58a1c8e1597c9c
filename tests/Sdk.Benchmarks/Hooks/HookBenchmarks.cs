using BenchmarkDotNet.Attributes;
using Sdk.Benchmarks.Model;
using Sdk.Plugins;
using Sdk.Transport;

namespace Sdk.Benchmarks.Hooks;

/// <summary>
/// The cost of hooks: the same unary call and the same stream, in memory, without plugins and with 10 no-op plugins that
/// each register a request, a response and a stream-event hook; and a plugin lookup by id.
/// </summary>
[MemoryDiagnoser]
public class HookBenchmarks
{
    public const int Events = 1_000;
    public const int Plugins = 10;
    private SdkClient _plain = null!;
    private SdkClient _hooked = null!;
    private SdkClient _plainStream = null!;
    private SdkClient _hookedStream = null!;
    private ApiRequest _unary = null!;
    private ApiRequest _stream = null!;
    private CallAttempts _call = null!;
    private HookEntry<RequestHook>[] _requestHooks = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = new ClientOptions { BaseAddress = new Uri("http://bench.invalid/v1/") };
        _plain = SdkClient.CreateBuilder(options).UseTransport(new JsonTransport()).Build();
        _hooked = NoOpPlugin.AddTen(SdkClient.CreateBuilder(options).UseTransport(new JsonTransport())).Build();
        (byte[] body, _) = Payloads.CreateSseBody(Events);
        _plainStream = SdkClient.CreateBuilder(options).UseTransport(new SseTransport(body)).Build();
        _hookedStream = NoOpPlugin.AddTen(SdkClient.CreateBuilder(options).UseTransport(new SseTransport(body))).Build();
        _unary = ApiRequest.Post("chat/completions", Payloads.UnaryRequest, BenchJson.Default.ChatRequest);
        _stream = ApiRequest.Post("chat/completions", Payloads.StreamRequest, BenchJson.Default.ChatRequest);
        _call = new CallAttempts(_hooked, _unary, "application/json", _hooked.CreateScope(Timeout.InfiniteTimeSpan, CancellationToken.None), null)
        {
            Plugins = _hooked.Plugins.Current,
        };
        // The no-op plugins' hooks only: the built-in ones (request id, idempotency key) do real work, measured by UnaryPlain.
        _requestHooks = [.. _call.Plugins.CallRequests.Where(static h => h.Plugin.Id.StartsWith("noop-", StringComparison.Ordinal))];
        if (_requestHooks.Length != Plugins)
        {
            throw new InvalidOperationException($"Expected {Plugins} no-op request hooks, found {_requestHooks.Length}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _hooked.Dispose();
        _plainStream.Dispose();
        _hookedStream.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<ApiResponse<ChatResponse>> UnaryPlain() => _plain.SendAsync(_unary, BenchJson.Default.ChatResponse);

    /// <summary>20 hooks per call: 10 request hooks and 10 response hooks.</summary>
    [Benchmark]
    public Task<ApiResponse<ChatResponse>> UnaryHooked() => _hooked.SendAsync(_unary, BenchJson.Default.ChatResponse);

    [Benchmark(OperationsPerInvoke = Events)]
    public Task<long> StreamPlain() => CountAsync(_plainStream);

    /// <summary>10 stream-event hooks per event (and 20 request and response hooks per stream).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public Task<long> StreamHooked() => CountAsync(_hookedStream);

    /// <summary>The dispatch loop alone: the 10 call-scope request hooks of the no-op plugins, per hook.</summary>
    [Benchmark(OperationsPerInvoke = Plugins)]
    public void Dispatch()
    {
        ValueTask run = HookRunner.RunAsync(_requestHooks, HookKind.Request, new RequestHookCall(_call, null), CancellationToken.None);
        if (!run.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("No-op hooks complete synchronously.");
        }
    }

    [Benchmark]
    public bool Lookup() => _hooked.Plugins.TryGet("noop-7", out _);

    private async Task<long> CountAsync(SdkClient client)
    {
        long n = 0;
        await foreach (ChatChunk chunk in client.StreamAsync(_stream, BenchJson.Default.ChatChunk))
        {
            n++;
        }

        return n;
    }

    private sealed class JsonTransport : SdkTransport
    {
        protected override ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Payloads.UnaryResponse);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return new ValueTask<HttpResponseMessage>(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content });
        }
    }

    private sealed class SseTransport(byte[] body) : SdkTransport
    {
        protected override ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(body, writable: false));
            content.Headers.TryAddWithoutValidation("Content-Type", "text/event-stream");
            return new ValueTask<HttpResponseMessage>(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content });
        }
    }
}
