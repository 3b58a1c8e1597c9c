using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Sdk.Plugins;

namespace Sdk.Extensions.Logging;

/// <summary>
/// Logs a client's calls through <see cref="ILogger"/> (category <c>Sdk</c>), as an optional plugin with id
/// <see cref="Id"/>: each attempt (Debug), each response (Information), request and response headers and stream events
/// (Trace), failures (Warning; Critical for a required plugin's failure). It never logs a credential: request paths are
/// logged without their query, the values of credential-bearing headers are masked, and every other value passes through the
/// client's <see cref="SecretRedactor"/>. Bodies and event payloads are never logged, only their sizes.
/// </summary>
/// <remarks>
/// The stream-event hook is registered only when Trace is enabled as the plugin registers (a hook on every event has a
/// cost); replace the plugin through <see cref="SdkClient.Plugins"/> to pick up a level change.
/// </remarks>
public sealed class LoggingPlugin : ISdkPlugin
{
    /// <summary>The plugin's id.</summary>
    public const string Id = "sdk.logging";

    /// <summary>The log category.</summary>
    public const string Category = "Sdk";

    private static readonly HashSet<string> MaskedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "WWW-Authenticate", "Proxy-Authenticate",
    };

    private readonly ILogger _logger;
    private SecretRedactor? _secrets;

    /// <summary>Creates the plugin.</summary>
    /// <param name="loggerFactory">Where the <see cref="Category"/> logger comes from.</param>
    public LoggingPlugin(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(Category);
    }

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = new(Id, new SemanticVersion(1)) { Order = int.MaxValue };

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        _secrets = hooks.Secrets;
        hooks.OnRequest(OnAttempt, HookScope.Attempt).OnResponse(OnResponse).OnError(OnError);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            hooks.OnStreamEvent(OnStreamEvent);
        }
    }

    /// <summary>Whether a header's value is masked in full rather than redacted: credentials, cookies, and any header whose name says key, token, secret or auth.</summary>
    internal static bool IsMasked(string name) =>
        MaskedHeaders.Contains(name) ||
        name.Contains("key", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("token", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("secret", StringComparison.OrdinalIgnoreCase) ||
        name.Contains("auth", StringComparison.OrdinalIgnoreCase);

    private ValueTask OnAttempt(RequestContext context, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            string endpoint = context.IsClientOrigin
                ? context.Endpoint?.GetLeftPart(UriPartial.Authority) ?? "?"
                : context.Message?.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "?";
            SdkLog.Sending(_logger, context.Request, context.Attempt, endpoint);
        }

        if (_logger.IsEnabled(LogLevel.Trace) && context.Message is { } message)
        {
            LogHeaders(message.Headers, request: true);
            if (message.Content is { } content)
            {
                LogHeaders(content.Headers, request: true);
            }
        }

        return default;
    }

    private ValueTask OnResponse(ResponseContext context, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            SdkLog.Answered(_logger, context.Request, (int)context.Response.StatusCode, context.Attempt, context.Elapsed.TotalMilliseconds);
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            LogHeaders(context.Response.Headers, request: false);
            LogHeaders(context.Response.Content.Headers, request: false);
        }

        return default;
    }

    private ValueTask OnStreamEvent(StreamEventContext context, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            SdkLog.StreamEvent(_logger, context.Request, context.Index, context.EventType, context.EventId is null ? null : Redact(context.EventId), context.Data.Length);
        }

        return default;
    }

    private ValueTask OnError(ErrorContext context, CancellationToken cancellationToken)
    {
        Exception exception = context.Exception;
        if (!_logger.IsEnabled(exception is PluginException ? LogLevel.Critical : LogLevel.Warning))
        {
            return default;
        }

        string error = Redact($"{exception.GetType().Name}: {exception.Message}");
        if (exception is PluginException)
        {
            SdkLog.PluginFailed(_logger, context.Request, context.Attempts, error, exception);
        }
        else
        {
            SdkLog.Failed(_logger, context.Request, context.Attempts, context.Elapsed.TotalMilliseconds, error, exception);
        }

        return default;
    }

    private void LogHeaders(HttpHeaders headers, bool request)
    {
        foreach (KeyValuePair<string, HeaderStringValues> header in headers.NonValidated)
        {
            string value = IsMasked(header.Key) ? SecretRedactor.Mask : Redact(header.Value.ToString());
            if (request)
            {
                SdkLog.RequestHeader(_logger, header.Key, value);
            }
            else
            {
                SdkLog.ResponseHeader(_logger, header.Key, value);
            }
        }
    }

    private string Redact(string text) => _secrets is { IsEmpty: false } secrets ? secrets.Redact(text) : text;
}
