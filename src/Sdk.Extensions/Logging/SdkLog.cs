using Microsoft.Extensions.Logging;

namespace Sdk.Extensions.Logging;

/// <summary>The SDK's log messages (source-generated: no allocation when a level is off).</summary>
internal static partial class SdkLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Sending {Request} (attempt {Attempt}) to {Endpoint}")]
    public static partial void Sending(ILogger logger, ApiRequest request, int attempt, string endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Trace, Message = "Request header {Name}: {Value}")]
    public static partial void RequestHeader(ILogger logger, string name, string value);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Request} answered {StatusCode} (attempt {Attempt}) after {ElapsedMs:0.0} ms")]
    public static partial void Answered(ILogger logger, ApiRequest request, int statusCode, int attempt, double elapsedMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "Response header {Name}: {Value}")]
    public static partial void ResponseHeader(ILogger logger, string name, string value);

    [LoggerMessage(EventId = 5, Level = LogLevel.Trace, Message = "{Request} event {Index}: type {EventType}, id {EventId}, {Bytes} bytes")]
    public static partial void StreamEvent(ILogger logger, ApiRequest request, long index, string eventType, string? eventId, int bytes);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Request} failed after {Attempts} attempt(s) and {ElapsedMs:0.0} ms: {Error}")]
    public static partial void Failed(ILogger logger, ApiRequest request, int attempts, double elapsedMs, string error, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Critical, Message = "{Request} failed in a plugin after {Attempts} attempt(s): {Error}")]
    public static partial void PluginFailed(ILogger logger, ApiRequest request, int attempts, string error, Exception exception);
}
