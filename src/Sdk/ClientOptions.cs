using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;

namespace Sdk;

/// <summary>
/// Everything a client is configured with. Validated once, by <see cref="SdkClientBuilder.Build"/>, which reports every
/// problem in one message; the client keeps its own copy, so changing this object after <c>Build()</c> has no effect.
/// </summary>
public sealed class ClientOptions
{
    /// <summary>
    /// The absolute URI every request path is relative to (for example <c>https://api.example.com/v1/</c>). A trailing
    /// slash is added when missing, so <c>v1</c> is kept when a path such as <c>chat/completions</c> is appended. Required.
    /// </summary>
    /// <value><see langword="null"/>; <c>Build()</c> fails until it is set.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Other base addresses serving the same API, tried in order when an attempt on the one before failed or its circuit is
    /// open (failover). Request paths are relative to whichever endpoint serves the attempt; the credential is sent to each.
    /// </summary>
    /// <value>Empty.</value>
    public IList<Uri> FallbackAddresses { get; } = new List<Uri>();

    /// <summary>The credential sent with every request; <see langword="null"/> sends none.</summary>
    /// <value><see langword="null"/>.</value>
    public ApiCredential? Credential { get; set; }

    /// <summary>The <c>User-Agent</c> header.</summary>
    /// <value><c>Sdk/&lt;version&gt; (.NET &lt;runtime version&gt;)</c>.</value>
    public string? UserAgent { get; set; }

    /// <summary>Headers sent with every request (a request's own header of the same name wins).</summary>
    /// <value>Empty.</value>
    public IDictionary<string, string> DefaultHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The response headers read, in order, for <see cref="ApiResponse.RequestId"/> and error messages.</summary>
    /// <value><c>x-request-id</c>, <c>request-id</c>.</value>
    public IList<string> RequestIdHeaders { get; } = new List<string>(ClientDefaults.RequestIdHeaders);

    /// <summary>Every timeout of a call.</summary>
    /// <value>See each property of <see cref="TimeoutOptions"/>.</value>
    public TimeoutOptions Timeouts { get; set; } = new();

    /// <summary>How failed attempts are retried.</summary>
    /// <value>See each property of <see cref="RetryOptions"/>.</value>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>The circuit breaker of each endpoint.</summary>
    /// <value>See each property of <see cref="CircuitBreakerOptions"/>.</value>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>How broken streams are resumed.</summary>
    /// <value>See each property of <see cref="ResumeOptions"/>.</value>
    public ResumeOptions Resume { get; set; } = new();

    /// <summary>
    /// A client-side rate limiter (for example a <see cref="ConcurrencyLimiter"/> or a <see cref="TokenBucketRateLimiter"/>):
    /// each call (each page of a list; each stream, for its whole life) takes one permit before its first attempt, outside the
    /// retries, waiting as the limiter's queue allows. A refused permit fails the call with <see cref="RateLimitedException"/>.
    /// The client does not dispose it.
    /// </summary>
    /// <value><see langword="null"/>: no client-side limit.</value>
    public RateLimiter? RateLimiter { get; set; }

    /// <summary>How plugins are isolated: the hook timeout, and the failures in a row that disable an optional plugin for a cool-down.</summary>
    /// <value>See each property of <see cref="Sdk.Plugins.PluginOptions"/>.</value>
    public Sdk.Plugins.PluginOptions Plugins { get; set; } = new();

    /// <summary>Stream decoding limits and the terminal sentinel.</summary>
    /// <value>See each property of <see cref="StreamingOptions"/>.</value>
    public StreamingOptions Streaming { get; set; } = new();

    /// <summary>WebSocket sessions: keep-alive, message size, send queue, reconnects.</summary>
    /// <value>See each property of <see cref="Sdk.WebSockets.WebSocketOptions"/>.</value>
    public Sdk.WebSockets.WebSocketOptions WebSockets { get; set; } = new();

    /// <summary>The connection pool settings.</summary>
    /// <value>See each property of <see cref="ConnectionOptions"/>.</value>
    public ConnectionOptions Connections { get; set; } = new();

    /// <summary>How much of an error response's body <see cref="ApiException.RawBody"/> keeps; the rest is not read.</summary>
    /// <value>64 KiB.</value>
    public int MaxErrorBodyBytes { get; set; } = ClientDefaults.MaxErrorBodyBytes;

    /// <summary>The largest body a unary call or a page of a list may return.</summary>
    /// <value>64 MiB.</value>
    public long MaxResponseBytes { get; set; } = ClientDefaults.MaxResponseBytes;

    /// <summary>
    /// The type error bodies are parsed into for <see cref="ApiException.Error"/>; <see langword="null"/> keeps only the raw body
    /// (<see cref="ApiException.TryGetError{TError}"/> still parses on demand).
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public JsonTypeInfo? ErrorType { get; set; }

    /// <summary>The clock every timeout runs on. Tests pass a manual one.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal ClientOptions Clone()
    {
        var copy = new ClientOptions
        {
            BaseAddress = BaseAddress,
            Credential = Credential,
            UserAgent = UserAgent,
            Retry = Retry?.Clone()!,
            CircuitBreaker = CircuitBreaker?.Clone()!,
            Resume = Resume?.Clone()!,
            Plugins = Plugins?.Clone()!,
            RateLimiter = RateLimiter,
            Timeouts = Timeouts?.Clone()!,
            Streaming = Streaming?.Clone()!,
            Connections = Connections?.Clone()!,
            WebSockets = WebSockets?.Clone()!,
            MaxErrorBodyBytes = MaxErrorBodyBytes,
            MaxResponseBytes = MaxResponseBytes,
            ErrorType = ErrorType,
            TimeProvider = TimeProvider,
        };
        foreach (KeyValuePair<string, string> header in DefaultHeaders)
        {
            copy.DefaultHeaders[header.Key] = header.Value;
        }

        foreach (Uri fallback in FallbackAddresses)
        {
            copy.FallbackAddresses.Add(fallback);
        }

        copy.RequestIdHeaders.Clear();
        foreach (string name in RequestIdHeaders)
        {
            copy.RequestIdHeaders.Add(name);
        }

        return copy;
    }
}
