using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sdk.Benchmarks.Model;

namespace Sdk.Benchmarks.Compare;

/// <summary>
/// The one local Kestrel server of the compare run, on 127.0.0.1 and a random port. <c>POST /v1/chat/completions</c> answers
/// a body containing <c>"stream":true</c> with the pre-rendered SSE body (written in 64 KiB slices, so the server allocates
/// next to nothing per event) and any other body with the pre-rendered ~200-byte JSON completion.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private const int WriteSlice = 64 * 1024;
    private readonly WebApplication _app;
    private readonly byte[] _sseBody;

    private BenchServer(WebApplication app, byte[] sseBody)
    {
        _app = app;
        _sseBody = sseBody;
    }

    /// <summary>The server's root, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private init; } = null!;

    public static async Task<BenchServer> StartAsync(byte[] sseBody)
    {
        BenchServer? server = null;
        (WebApplication app, Uri baseAddress) = await LocalKestrel.StartAsync(app => app.Run(context => server!.HandleAsync(context)));
        server = new BenchServer(app, sseBody) { BaseAddress = baseAddress };
        return server;
    }

    public ValueTask DisposeAsync() => LocalKestrel.StopAsync(_app);

    private async Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Equals(Payloads.ChatPath, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        CancellationToken aborted = context.RequestAborted;
        if (!await WantsStreamAsync(context.Request.BodyReader, aborted))
        {
            response.ContentType = "application/json";
            response.ContentLength = Payloads.UnaryResponse.Length;
            await response.BodyWriter.WriteAsync(Payloads.UnaryResponse, aborted);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        for (int offset = 0; offset < _sseBody.Length; offset += WriteSlice)
        {
            FlushResult flushed = await response.BodyWriter.WriteAsync(_sseBody.AsMemory(offset, Math.Min(WriteSlice, _sseBody.Length - offset)), aborted);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>Reads the whole (small) request body and looks for <c>"stream":true</c>.</summary>
    private static async ValueTask<bool> WantsStreamAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken);
            if (!read.IsCompleted && read.Buffer.Length < 64 * 1024)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            bool stream = Contains(read.Buffer, "\"stream\":true"u8);
            reader.AdvanceTo(read.Buffer.End);
            return stream;
        }
    }

    private static bool Contains(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> value)
    {
        if (buffer.IsSingleSegment)
        {
            return buffer.FirstSpan.IndexOf(value) >= 0;
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            return copy.AsSpan(0, (int)buffer.Length).IndexOf(value) >= 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
