namespace Sdk;

/// <summary>
/// How failed attempts are retried. Retried: 408, 429, 500, 502, 503, 504, connection failures and attempt timeouts;
/// <c>x-should-retry: true|false</c> from the server overrides the status rule. POST and PATCH are retried only with an
/// idempotency key, or when the request never left the client. Delays grow exponentially with decorrelated jitter; a server
/// delay (<c>Retry-After</c>, <c>retry-after-ms</c>) is used instead, unless it is longer than <see cref="MaxDelay"/> or the
/// time left, in which case retrying stops at once and the error carries <see cref="ApiException.RetryAfter"/>.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>How many times a failed attempt is retried (so <c>MaxRetries + 1</c> attempts in all); 0 turns retries off.</summary>
    /// <value>3.</value>
    public int MaxRetries { get; set; } = ClientDefaults.MaxRetries;

    /// <summary>The median first delay; later delays grow exponentially, with decorrelated jitter.</summary>
    /// <value>0.5 seconds.</value>
    public TimeSpan BaseDelay { get; set; } = ClientDefaults.RetryBaseDelay;

    /// <summary>The longest delay between attempts, computed or asked for by the server.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = ClientDefaults.RetryMaxDelay;

    /// <summary>The header that tells the server which retry an attempt is (1, 2, …; absent on the first attempt); <see langword="null"/> sends none.</summary>
    /// <value><c>x-retry-count</c>.</value>
    public string? RetryCountHeader { get; set; } = ClientDefaults.RetryCountHeader;

    /// <summary>The header carrying the idempotency key that makes POST and PATCH safe to retry.</summary>
    /// <value><c>Idempotency-Key</c>.</value>
    public string IdempotencyKeyHeader { get; set; } = ClientDefaults.IdempotencyKeyHeader;

    /// <summary>
    /// Whether every POST gets an idempotency key (a new GUID per call, the same on each of its attempts) when it has none of
    /// its own. A key the request sets itself always wins. PATCH is never given one automatically.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool AutomaticIdempotencyKeys { get; set; } = true;

    internal RetryOptions Clone() => (RetryOptions)MemberwiseClone();
}
