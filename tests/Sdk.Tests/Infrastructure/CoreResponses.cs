using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure;

/// <summary>Server-side helpers that write a body with an explicit framing: a <c>Content-Length</c> or chunked.</summary>
public static class CoreResponses
{
    /// <summary>Writes <paramref name="body"/> with a <c>Content-Length</c> header.</summary>
    public static async Task WriteWithLengthAsync(HttpContext context, string body, string contentType = "application/json", int status = 200)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>Writes <paramref name="body"/> chunked (no <c>Content-Length</c>), in several flushed pieces.</summary>
    public static async Task WriteChunkedAsync(HttpContext context, string body, string contentType = "application/json", int status = 200)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.StartAsync(context.RequestAborted);
        int piece = Math.Max(1, Math.Min(64 * 1024, (bytes.Length / 3) + 1));
        for (int offset = 0; offset < bytes.Length; offset += piece)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Writes with a <c>Content-Length</c> when <paramref name="chunked"/> is false, chunked otherwise.</summary>
    public static Task WriteAsync(HttpContext context, string body, bool chunked, string contentType = "application/json", int status = 200) =>
        chunked ? WriteChunkedAsync(context, body, contentType, status) : WriteWithLengthAsync(context, body, contentType, status);

    /// <summary>Waits until the client goes away (or the server stops); for endpoints that must never answer.</summary>
    public static async Task WaitForAbortAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server is stopping.
        }
    }
}
