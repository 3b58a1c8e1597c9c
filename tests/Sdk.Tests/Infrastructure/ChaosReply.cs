using System.Globalization;

namespace Sdk.Tests.Infrastructure;

/// <summary>What a scripted endpoint does with one request before and instead of a normal answer.</summary>
public enum ChaosFault
{
    /// <summary>Answers with the reply's status, headers and body.</summary>
    None,

    /// <summary>Aborts the connection before writing anything (the client sees the connection end before the headers).</summary>
    ResetBeforeHeaders,

    /// <summary>Sends nothing until the client goes away (or the server stops).</summary>
    StallBeforeHeaders,
}

/// <summary>
/// One scripted answer of a <see cref="ChaosScript"/>: a status with headers and a JSON body, a reset or a stall before the
/// headers, optionally held back until a test opens a gate. Build with the static methods, refine with the <c>With…</c>
/// methods (they return the same instance).
/// </summary>
public sealed class ChaosReply
{
    /// <summary>The body of <see cref="Ok"/>: <c>{n}</c> is replaced by the request number, so a test sees which attempt answered.</summary>
    public const string OkBody = """{"id":{n},"text":"ok"}""";

    private readonly List<KeyValuePair<string, string>> _headers = [];

    private ChaosReply(ChaosFault fault, int statusCode, string? body)
    {
        Fault = fault;
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>What happens instead of, or before, the answer.</summary>
    public ChaosFault Fault { get; }

    /// <summary>The status of the answer.</summary>
    public int StatusCode { get; }

    /// <summary>The body (<c>{n}</c> becomes the request number), or <see langword="null"/> for none.</summary>
    public string? Body { get; }

    /// <summary>The body's content type.</summary>
    public string ContentType { get; private set; } = "application/json";

    /// <summary>Extra response headers, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>When set, the answer (its headers too) waits for this task, or for the client to go away.</summary>
    public Task? Gate { get; private set; }

    /// <summary>200 with <paramref name="body"/> (by default <see cref="OkBody"/>: an <see cref="Item"/> whose id is the request number).</summary>
    public static ChaosReply Ok(string body = OkBody) => new(ChaosFault.None, 200, body);

    /// <summary><paramref name="statusCode"/> with a small JSON error body naming it.</summary>
    public static ChaosReply Status(int statusCode) =>
        new(ChaosFault.None, statusCode, string.Create(CultureInfo.InvariantCulture, $$$"""{"error":{"message":"scripted {{{statusCode}}}","type":"chaos"}}"""));

    /// <summary>A connection reset before the headers: the endpoint aborts the connection without writing anything.</summary>
    public static ChaosReply Reset() => new(ChaosFault.ResetBeforeHeaders, 0, null);

    /// <summary>No headers at all until the client gives up (its attempt timeout) or the server stops.</summary>
    public static ChaosReply Stall() => new(ChaosFault.StallBeforeHeaders, 0, null);

    /// <summary>Adds a response header.</summary>
    public ChaosReply WithHeader(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>Adds <c>Retry-After</c> with <paramref name="value"/> as given (seconds, an HTTP date, or something invalid).</summary>
    public ChaosReply WithRetryAfter(string value) => WithHeader("Retry-After", value);

    /// <summary>Adds <c>Retry-After</c> in whole seconds.</summary>
    public ChaosReply WithRetryAfter(int seconds) => WithRetryAfter(seconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds <c>Retry-After</c> as an HTTP date (RFC 1123, second precision).</summary>
    public ChaosReply WithRetryAfter(DateTimeOffset date) => WithRetryAfter(date.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));

    /// <summary>Adds <c>retry-after-ms</c>.</summary>
    public ChaosReply WithRetryAfterMs(double milliseconds) => WithHeader("retry-after-ms", milliseconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds <c>x-should-retry: true|false</c>.</summary>
    public ChaosReply WithShouldRetry(bool retry) => WithHeader("x-should-retry", retry ? "true" : "false");

    /// <summary>Sets the body's content type.</summary>
    public ChaosReply WithContentType(string contentType)
    {
        ContentType = contentType;
        return this;
    }

    /// <summary>Holds the answer back (no headers) until <paramref name="gate"/> completes.</summary>
    public ChaosReply After(Task gate)
    {
        Gate = gate;
        return this;
    }
}
