using System.Globalization;
using System.Net;
using System.Text;

namespace Sdk.Transport;

/// <summary>
/// A response <see cref="InMemoryTransport"/> plays back: a status, headers and a body made of steps (bytes, SSE events,
/// NDJSON lines, delays on the transport's <see cref="TimeProvider"/>, a stall, a dropped connection). A script can be
/// played any number of times; each play starts from its first step.
/// </summary>
public sealed class ScriptedResponse
{
    private readonly List<ScriptStep> _steps = [];
    private readonly List<KeyValuePair<string, string>> _headers = [];

    private ScriptedResponse(HttpStatusCode status, string? contentType)
    {
        StatusCode = status;
        ContentType = contentType;
    }

    /// <summary>The status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The content type, or <see langword="null"/> for none.</summary>
    public string? ContentType { get; private set; }

    internal IReadOnlyList<ScriptStep> Steps => _steps;

    internal IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    internal TimeSpan HeaderDelay { get; private set; }

    internal Exception? FailureBeforeHeaders { get; private set; }

    /// <summary>A response with a status and no body yet.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="contentType">The content type, or <see langword="null"/>.</param>
    /// <returns>The script.</returns>
    public static ScriptedResponse Create(HttpStatusCode status = HttpStatusCode.OK, string? contentType = null) => new(status, contentType);

    /// <summary>A JSON response.</summary>
    /// <param name="json">The body.</param>
    /// <param name="status">The status code.</param>
    /// <returns>The script.</returns>
    public static ScriptedResponse Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new ScriptedResponse(status, "application/json").Write(json);

    /// <summary>An empty <c>text/event-stream</c> response; add events with <see cref="Event"/>.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>The script.</returns>
    public static ScriptedResponse Sse(HttpStatusCode status = HttpStatusCode.OK) => new(status, "text/event-stream");

    /// <summary>An empty <c>application/x-ndjson</c> response; add lines with <see cref="Line"/>.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>The script.</returns>
    public static ScriptedResponse NdJson(HttpStatusCode status = HttpStatusCode.OK) => new(status, "application/x-ndjson");

    /// <summary>A connection failure before any response headers (the caller sees <see cref="TransportException"/>).</summary>
    /// <param name="exception">The failure; an <see cref="HttpRequestException"/> when <see langword="null"/>.</param>
    /// <returns>The script.</returns>
    public static ScriptedResponse Fail(Exception? exception = null) =>
        new(HttpStatusCode.ServiceUnavailable, null) { FailureBeforeHeaders = exception ?? new HttpRequestException(HttpRequestError.ConnectionError, "The scripted connection failed.") };

    /// <summary>Adds a response header (content headers included).</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse WithHeader(string name, string value)
    {
        if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            ContentType = value;
        }
        else
        {
            _headers.Add(new(name, value));
        }

        return this;
    }

    /// <summary>Waits this long (on the transport's clock) before the headers are returned.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse DelayHeaders(TimeSpan delay)
    {
        HeaderDelay = delay;
        return this;
    }

    /// <summary>Appends raw bytes to the body.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Write(ReadOnlySpan<byte> bytes) => Add(new ScriptStep(ScriptStepKind.Bytes, bytes.ToArray(), default));

    /// <summary>Appends UTF-8 text to the body, exactly as given.</summary>
    /// <param name="text">The text.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Appends one SSE event (<c>event:</c>, <c>id:</c>, one <c>data:</c> line per line of <paramref name="data"/>, a blank line).</summary>
    /// <param name="data">The event data.</param>
    /// <param name="eventType">The event type, or <see langword="null"/> for none.</param>
    /// <param name="id">The event id, or <see langword="null"/> for none.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Event(string data, string? eventType = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder();
        if (eventType is not null)
        {
            text.Append("event: ").Append(eventType).Append('\n');
        }

        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        foreach (string line in data.Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return Write(text.Append('\n').ToString());
    }

    /// <summary>Appends an SSE <c>retry:</c> field.</summary>
    /// <param name="milliseconds">The reconnection time the server asks for.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Retry(int milliseconds) => Write(string.Create(CultureInfo.InvariantCulture, $"retry: {milliseconds}\n\n"));

    /// <summary>Appends the OpenAI-style terminal event <c>data: [DONE]</c>.</summary>
    /// <returns>This script.</returns>
    public ScriptedResponse Done() => Event("[DONE]");

    /// <summary>Appends one NDJSON line (a line feed is added).</summary>
    /// <param name="json">The JSON value on the line.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Line(string json) => Write(json + "\n");

    /// <summary>Pauses the body this long, on the transport's clock.</summary>
    /// <param name="delay">The pause.</param>
    /// <returns>This script.</returns>
    public ScriptedResponse Delay(TimeSpan delay) => Add(new ScriptStep(ScriptStepKind.Delay, [], delay));

    /// <summary>Stops sending without closing: reads wait until the reader cancels.</summary>
    /// <returns>This script.</returns>
    public ScriptedResponse Stall() => Add(new ScriptStep(ScriptStepKind.Stall, [], default));

    /// <summary>Drops the connection: the next read fails with an <see cref="IOException"/>.</summary>
    /// <returns>This script.</returns>
    public ScriptedResponse Drop() => Add(new ScriptStep(ScriptStepKind.Drop, [], default));

    private ScriptedResponse Add(ScriptStep step)
    {
        _steps.Add(step);
        return this;
    }
}

/// <summary>The kinds of body step.</summary>
internal enum ScriptStepKind
{
    Bytes,
    Delay,
    Stall,
    Drop,
}

/// <summary>One body step of a <see cref="ScriptedResponse"/>.</summary>
internal readonly record struct ScriptStep(ScriptStepKind Kind, byte[] Bytes, TimeSpan Delay);
