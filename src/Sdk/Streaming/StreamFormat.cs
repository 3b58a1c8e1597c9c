namespace Sdk;

/// <summary>How a stream's body is decoded into items.</summary>
public enum StreamFormat
{
    /// <summary>Chosen from the response content type: <c>text/event-stream</c> → SSE; <c>application/x-ndjson</c>, <c>application/jsonl</c> (and their aliases) → NDJSON; <c>application/json</c> → a top-level JSON array.</summary>
    Auto,

    /// <summary>Server-sent events; each event's data is one item.</summary>
    ServerSentEvents,

    /// <summary>Newline-delimited JSON; each non-empty line is one item.</summary>
    NdJson,

    /// <summary>A top-level JSON array, decoded element by element as it arrives.</summary>
    JsonArray,
}
