using System.Globalization;

namespace Sdk;

/// <summary>Checks a <see cref="ClientOptions"/> once and reports every problem in one message.</summary>
internal static class ClientOptionsValidator
{
    public static void Validate(ClientOptions options)
    {
        var errors = new List<string>();

        if (options.BaseAddress is null)
        {
            errors.Add("BaseAddress is required.");
        }
        else if (!options.BaseAddress.IsAbsoluteUri || (options.BaseAddress.Scheme != Uri.UriSchemeHttp && options.BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("BaseAddress must be an absolute http or https URI.");
        }
        else
        {
            if (!string.IsNullOrEmpty(options.BaseAddress.UserInfo))
            {
                errors.Add("BaseAddress must not carry user information; set Credential instead.");
            }

            if (!string.IsNullOrEmpty(options.BaseAddress.Query) || !string.IsNullOrEmpty(options.BaseAddress.Fragment))
            {
                errors.Add("BaseAddress must not have a query or a fragment.");
            }
        }

        if (options.TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }

        if (options.UserAgent is { } userAgent && userAgent.AsSpan().ContainsAny('\r', '\n'))
        {
            errors.Add("UserAgent must not contain a line break.");
        }

        foreach (KeyValuePair<string, string> header in options.DefaultHeaders)
        {
            if (!HeaderNames.IsValid(header.Key))
            {
                errors.Add($"DefaultHeaders has an invalid header name '{header.Key}'.");
            }
            else if (header.Value is null || header.Value.AsSpan().ContainsAny('\r', '\n'))
            {
                errors.Add($"DefaultHeaders['{header.Key}'] must be a value without line breaks.");
            }
        }

        foreach (string name in options.RequestIdHeaders)
        {
            if (!HeaderNames.IsValid(name))
            {
                errors.Add($"RequestIdHeaders has an invalid header name '{name}'.");
            }
        }

        ValidateTimeouts(options.Timeouts, errors);
        ValidateStreaming(options.Streaming, errors);
        ValidateConnections(options.Connections, errors);

        if (options.MaxErrorBodyBytes < 0)
        {
            errors.Add("MaxErrorBodyBytes must be zero or more.");
        }

        if (options.MaxResponseBytes <= 0)
        {
            errors.Add("MaxResponseBytes must be more than zero.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The client options are invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}): {string.Join(" ", errors)}"),
                nameof(options));
        }
    }

    private static void ValidateTimeouts(TimeoutOptions? timeouts, List<string> errors)
    {
        if (timeouts is null)
        {
            errors.Add("Timeouts is required.");
            return;
        }

        CheckTimeout(timeouts.Connect, "Timeouts.Connect", errors);
        CheckTimeout(timeouts.Attempt, "Timeouts.Attempt", errors);
        CheckTimeout(timeouts.FirstEvent, "Timeouts.FirstEvent", errors);
        CheckTimeout(timeouts.Idle, "Timeouts.Idle", errors);
        CheckTimeout(timeouts.Total, "Timeouts.Total", errors);
        CheckTimeout(timeouts.StreamTotal, "Timeouts.StreamTotal", errors);

        if (IsFinite(timeouts.Attempt) && IsFinite(timeouts.Total) && timeouts.Attempt > timeouts.Total)
        {
            errors.Add("Timeouts.Attempt must not exceed Timeouts.Total.");
        }

        if (IsFinite(timeouts.Connect) && IsFinite(timeouts.Attempt) && timeouts.Connect > timeouts.Attempt)
        {
            errors.Add("Timeouts.Connect must not exceed Timeouts.Attempt.");
        }
    }

    private static void ValidateStreaming(StreamingOptions? streaming, List<string> errors)
    {
        if (streaming is null)
        {
            errors.Add("Streaming is required.");
            return;
        }

        if (streaming.MaxLineBytes < 16)
        {
            errors.Add("Streaming.MaxLineBytes must be at least 16.");
        }

        if (streaming.MaxEventBytes < 16)
        {
            errors.Add("Streaming.MaxEventBytes must be at least 16.");
        }

        if (streaming.TerminalSentinel is { Length: 0 })
        {
            errors.Add("Streaming.TerminalSentinel must be null (none) or non-empty.");
        }

        if (streaming.RequireTerminalSentinel && streaming.TerminalSentinel is null)
        {
            errors.Add("Streaming.RequireTerminalSentinel needs a Streaming.TerminalSentinel.");
        }
    }

    private static void ValidateConnections(ConnectionOptions? connections, List<string> errors)
    {
        if (connections is null)
        {
            errors.Add("Connections is required.");
            return;
        }

        CheckTimeout(connections.PooledConnectionLifetime, "Connections.PooledConnectionLifetime", errors);
        CheckTimeout(connections.PooledConnectionIdleTimeout, "Connections.PooledConnectionIdleTimeout", errors);
        CheckTimeout(connections.KeepAlivePingDelay, "Connections.KeepAlivePingDelay", errors);
        CheckTimeout(connections.KeepAlivePingTimeout, "Connections.KeepAlivePingTimeout", errors);

        if (IsFinite(connections.KeepAlivePingDelay) && connections.KeepAlivePingDelay < TimeSpan.FromSeconds(1))
        {
            errors.Add("Connections.KeepAlivePingDelay must be at least one second.");
        }

        if (IsFinite(connections.KeepAlivePingTimeout) && connections.KeepAlivePingTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add("Connections.KeepAlivePingTimeout must be at least one second.");
        }

        if (connections.MaxConnectionsPerServer < 1)
        {
            errors.Add("Connections.MaxConnectionsPerServer must be at least 1.");
        }

        if (connections.HttpVersion is null)
        {
            errors.Add("Connections.HttpVersion is required.");
        }
    }

    private static void CheckTimeout(TimeSpan value, string name, List<string> errors)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive or Timeout.InfiniteTimeSpan.");
        }
    }

    internal static bool IsFinite(TimeSpan value) => value != Timeout.InfiniteTimeSpan;
}
