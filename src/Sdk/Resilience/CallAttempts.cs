using System.Diagnostics;
using Polly;
using Sdk.Plugins;

namespace Sdk;

/// <summary>
/// The state of one call across its attempts: the request, its scope, the retry budget, the idempotency key, which
/// endpoint served the last attempt and which one should serve the next. Reached from Polly's callbacks through the
/// <see cref="ResilienceContext"/>.
/// </summary>
internal sealed class CallAttempts
{
    private HookProperties? _properties;

    public static readonly ResiliencePropertyKey<CallAttempts> Key = new("Sdk.CallAttempts");

    public CallAttempts(SdkClient client, ApiRequest request, string accept, CallScope scope, Activity? activity)
    {
        Client = client;
        Request = request;
        Accept = accept;
        Scope = scope;
        Activity = activity;
        RetryOptions retry = client.Options.Retry;
        MaxRetries = request.MaxRetries ?? retry.MaxRetries;

        // POST and PATCH repeat their effect unless the server can recognize a repeat by its idempotency key.
        IdempotencyKey = request.IdempotencyKey ?? (request.Headers.TryGetValue(retry.IdempotencyKeyHeader, out string? own) ? own : null);
        if (IdempotencyKey is null && retry.AutomaticIdempotencyKeys && request.Method == HttpMethod.Post)
        {
            IdempotencyKey = NewIdempotencyKey();
        }

        SafeToRepeat = IdempotencyKey is not null || (request.Method != HttpMethod.Post && request.Method != HttpMethod.Patch);
    }

    public SdkClient Client { get; }

    /// <summary>
    /// A random (version 4) UUID. A key only has to be unique among the caller's keys the server remembers, not secret, so it
    /// comes from <see cref="Random.Shared"/> (122 random bits) rather than <see cref="Guid.NewGuid"/>, whose call into the
    /// operating system's secure generator was the largest single cost of a POST's first attempt.
    /// </summary>
    internal static string NewIdempotencyKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout: byte 7 holds the version)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes).ToString();
    }

    /// <summary>The request of the next attempt (a resume changes it).</summary>
    public ApiRequest Request { get; set; }

    public string Accept { get; }

    public CallScope Scope { get; }

    public Activity? Activity { get; }

    /// <summary>How many more retries this run of attempts may make.</summary>
    public int MaxRetries { get; set; }

    public string? IdempotencyKey { get; }

    /// <summary>Whether repeating a request that reached the server is safe (an idempotent method or an idempotency key).</summary>
    public bool SafeToRepeat { get; }

    /// <summary>Attempts started so far in this call (the retry-count header is this number).</summary>
    public int Attempts { get; set; }

    /// <summary>Where the choice of endpoint for the next attempt starts.</summary>
    public int Preferred { get; set; }

    /// <summary>The endpoint of the last attempt.</summary>
    public Endpoint? Endpoint { get; set; }

    /// <summary>The server's requested delay before the next attempt, when it gave one.</summary>
    public TimeSpan? ServerDelay { get; set; }

    /// <summary>An extra header for the next attempts (a resume's <c>Last-Event-ID</c>).</summary>
    public KeyValuePair<string, string>? ExtraHeader { get; set; }

    /// <summary>For streams: what a successful response becomes within the attempt (the decoder, read up to its first event).</summary>
    public Func<HttpResponseMessage, CallAttempts, ValueTask<Outcome<object>>>? OnSuccess { get; set; }

    /// <summary>State for <see cref="OnSuccess"/> (the stream call).</summary>
    public object? OnSuccessState { get; set; }

    /// <summary>The outcome of the attempt made before the retry pipeline started, handed to it as its first attempt.</summary>
    public Outcome<object>? Replay { get; set; }

    /// <summary>The plugins the call started with (<see cref="PluginSnapshot.Empty"/> when the client has none).</summary>
    public PluginSnapshot Plugins { get; set; } = PluginSnapshot.Empty;

    /// <summary>The values the call's hooks share, created on first use.</summary>
    public HookProperties Properties => _properties ??= new HookProperties();

    /// <summary>Header changes made by call-scope request hooks, applied to every attempt.</summary>
    public HookHeaderList? CallHeaders { get; set; }

    /// <summary>A response a request hook answered with (the request is not sent).</summary>
    public HttpResponseMessage? ShortCircuit { get; set; }

    /// <summary>The attempt's response while response hooks run (one may replace it).</summary>
    public HttpResponseMessage? CurrentResponse { get; set; }

    public Outcome<object>? TakeReplay()
    {
        Outcome<object>? replay = Replay;
        Replay = null;
        return replay;
    }
}
