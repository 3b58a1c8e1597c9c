using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure;

/// <summary>
/// Helpers for test endpoints that stream a body: send the headers at once, write and flush bytes whole, one byte at a
/// time or cut at chosen offsets, and wait for the client to go away.
/// </summary>
public static class StreamServer
{
    public const string Sse = "text/event-stream";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Sets the content type and sends the headers now, before any body byte.</summary>
    public static async Task SendHeadersAsync(HttpContext context, string contentType, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes <paramref name="bytes"/> in one write and flushes.</summary>
    public static async Task WriteAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <inheritdoc cref="WriteAsync(HttpContext, ReadOnlyMemory{byte})"/>
    public static Task WriteAsync(HttpContext context, string text) => WriteAsync(context, Utf8(text));

    /// <summary>Writes and flushes one byte at a time, so every byte boundary can become a read boundary.</summary>
    public static async Task TrickleAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            await WriteAsync(context, bytes.Slice(i, 1));
        }
    }

    /// <summary>Writes the body in pieces cut at <paramref name="cuts"/> (offsets into it), flushing after each piece.</summary>
    public static async Task WriteSplitAsync(HttpContext context, ReadOnlyMemory<byte> bytes, IEnumerable<int> cuts)
    {
        int start = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            await WriteAsync(context, bytes[start..cut]);
            start = cut;
        }

        await WriteAsync(context, bytes[start..]);
    }

    /// <summary>Completes when the client has gone away (the request was aborted). Never throws.</summary>
    public static Task WaitForAbortAsync(HttpContext context)
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.RequestAborted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), aborted);
        return aborted.Task;
    }

    /// <summary>An endpoint that answers with <paramref name="body"/> in one write and ends the response.</summary>
    public static RequestDelegate Body(string contentType, string body) => async context =>
    {
        await SendHeadersAsync(context, contentType);
        await WriteAsync(context, body);
    };

    /// <summary>Creates a <see cref="TaskCompletionSource"/> whose continuations never run inline on the completing thread.</summary>
    public static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc cref="Signal()"/>
    public static TaskCompletionSource<T> Signal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
