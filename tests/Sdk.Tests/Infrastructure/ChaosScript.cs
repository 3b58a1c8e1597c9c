using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sdk.Tests.Infrastructure;

/// <summary>An endpoint of a <see cref="ChaosServer"/>: it logs what it receives and answers by its script.</summary>
public abstract class ChaosEndpoint
{
    /// <summary>The requests this endpoint received.</summary>
    public ChaosRequestLog Log { get; } = new();

    /// <summary>Answers one request (already logged as <paramref name="request"/>); <paramref name="stopping"/> fires when the server stops.</summary>
    internal abstract Task HandleAsync(HttpContext context, ChaosRequest request, CancellationToken stopping);

    /// <summary>Waits for <paramref name="gate"/>, the client going away, or the server stopping; returns whether the gate opened.</summary>
    internal static async Task<bool> WaitAsync(Task gate, HttpContext context, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await gate.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// A unary endpoint that answers request n with reply n of its script; the last reply answers every later request.
/// For example <c>503 + Retry-After: 2</c>, then <c>429 + retry-after-ms: 1500</c>, then <c>200</c>.
/// </summary>
public sealed class ChaosScript : ChaosEndpoint
{
    private static readonly Task Never = new TaskCompletionSource().Task;
    private readonly ChaosReply[] _replies;

    internal ChaosScript(ChaosReply[] replies)
    {
        if (replies.Length == 0)
        {
            throw new ArgumentException("A script needs at least one reply.", nameof(replies));
        }

        _replies = replies;
    }

    /// <summary>The reply for request <paramref name="number"/> (1-based).</summary>
    public ChaosReply ReplyFor(int number) => _replies[Math.Min(number, _replies.Length) - 1];

    internal override async Task HandleAsync(HttpContext context, ChaosRequest request, CancellationToken stopping)
    {
        ChaosReply reply = ReplyFor(request.Number);
        await WriteAsync(context, reply, request.Number, stopping);
    }

    /// <summary>Carries out <paramref name="reply"/> for request <paramref name="number"/> (also used by <see cref="ChaosSse"/> for its prelude).</summary>
    internal static async Task WriteAsync(HttpContext context, ChaosReply reply, int number, CancellationToken stopping)
    {
        if (reply.Gate is { } gate && !await WaitAsync(gate, context, stopping))
        {
            return;
        }

        switch (reply.Fault)
        {
            case ChaosFault.ResetBeforeHeaders:
                context.Abort();
                return;
            case ChaosFault.StallBeforeHeaders:
                await WaitAsync(Never, context, stopping);
                return;
        }

        HttpResponse response = context.Response;
        response.StatusCode = reply.StatusCode;
        foreach (KeyValuePair<string, string> header in reply.Headers)
        {
            response.Headers.Append(header.Key, header.Value);
        }

        if (reply.Body is null || reply.StatusCode is 204 or 304)
        {
            response.ContentLength = 0;
            return;
        }

        byte[] body = System.Text.Encoding.UTF8.GetBytes(reply.Body.Replace("{n}", number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        response.ContentType = reply.ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
