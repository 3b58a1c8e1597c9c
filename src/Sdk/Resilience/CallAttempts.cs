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

        // The request's own key (WithIdempotencyKey, or the header set by hand); the idempotency plugin adds one otherwise.
        IdempotencyKey = request.IdempotencyKey ?? (request.Headers.TryGetValue(retry.IdempotencyKeyHeader, out string? own) ? own : null);
    }

    public SdkClient Client { get; }

    /// <summary>The request of the next attempt (a resume changes it).</summary>
    public ApiRequest Request { get; set; }

    public string Accept { get; }

    public CallScope Scope { get; }

    public Activity? Activity { get; }

    /// <summary>How many more retries this run of attempts may make.</summary>
    public int MaxRetries { get; set; }

    /// <summary>The request's own idempotency key, sent by the request factory on every attempt.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>Whether a request hook made the call safe to repeat (<see cref="RequestContext.MarkSafeToRepeat"/>).</summary>
    public bool MarkedSafe { get; set; }

    /// <summary>
    /// Whether repeating a request that reached the server is safe: an idempotent method, an idempotency key of the request's
    /// own, or one a plugin added (<see cref="MarkedSafe"/>). POST and PATCH otherwise repeat their effect.
    /// </summary>
    public bool SafeToRepeat => MarkedSafe || IdempotencyKey is not null || (Request.Method != HttpMethod.Post && Request.Method != HttpMethod.Patch);

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

    /// <summary>For a WebSocket handshake: what the transport needs to open the socket; <see langword="null"/> for HTTP calls.</summary>
    public Sdk.WebSockets.WebSocketHandshake? WebSocket { get; init; }

    /// <summary>The plugins the call started with (<see cref="PluginSnapshot.Empty"/> when the client has none).</summary>
    public PluginSnapshot Plugins { get; set; } = PluginSnapshot.Empty;

    /// <summary>The values the call's hooks share, created on first use.</summary>
    public HookProperties Properties => _properties ??= new HookProperties();

    /// <summary>Header changes made by call-scope request hooks, applied to every attempt.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051", Justification = "A mutable struct changed in place: a property would hand out copies.")]
    public HookHeaderList CallHeaders;

    /// <summary>A response a request hook answered with (the request is not sent).</summary>
    public HttpResponseMessage? ShortCircuit { get; set; }

    /// <summary>The attempt's response while response hooks run (one may replace it).</summary>
    public HttpResponseMessage? CurrentResponse { get; set; }

    /// <summary>Whether the message being sent goes outside the client's origins (a redirect hop).</summary>
    public bool ForeignHop { get; set; }

    /// <summary>A message a response hook asked to send instead (a redirect hop: <see cref="ResponseContext.Redirect"/>).</summary>
    public HttpRequestMessage? PendingHop { get; set; }

    /// <summary>Whether a response hook asked to send the request again at once (<see cref="ResponseContext.RetryNow"/>).</summary>
    public bool RetryRequested { get; set; }

    /// <summary>How many times response hooks had the call sent again (redirects and immediate retries), bounded per call.</summary>
    public int Resends { get; set; }

    public Outcome<object>? TakeReplay()
    {
        Outcome<object>? replay = Replay;
        Replay = null;
        return replay;
    }
}
