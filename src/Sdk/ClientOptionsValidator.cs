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
        else
        {
            ValidateAddress(options.BaseAddress, "BaseAddress", errors);
        }

        for (int i = 0; i < options.FallbackAddresses.Count; i++)
        {
            if (options.FallbackAddresses[i] is not { } fallback)
            {
                errors.Add($"FallbackAddresses[{i}] is null.");
            }
            else
            {
                ValidateAddress(fallback, $"FallbackAddresses[{i}]", errors);
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
        ValidateRetry(options.Retry, errors);
        ValidateCircuitBreaker(options.CircuitBreaker, errors);
        ValidateResume(options.Resume, errors);
        ValidatePlugins(options.Plugins, errors);
        ValidateStreaming(options.Streaming, errors);
        ValidateConnections(options.Connections, errors);
        if (options.WebSockets is null)
        {
            errors.Add("WebSockets is required.");
        }
        else
        {
            options.WebSockets.Validate(errors, "WebSockets.");
        }

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

    private static void ValidateAddress(Uri address, string name, List<string> errors)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{name} must be an absolute http or https URI.");
            return;
        }

        if (!string.IsNullOrEmpty(address.UserInfo))
        {
            errors.Add($"{name} must not carry user information; set Credential instead.");
        }

        if (!string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            errors.Add($"{name} must not have a query or a fragment.");
        }
    }

    private static void ValidateRetry(RetryOptions? retry, List<string> errors)
    {
        if (retry is null)
        {
            errors.Add("Retry is required.");
            return;
        }

        if (retry.MaxRetries < 0)
        {
            errors.Add("Retry.MaxRetries must be zero or more.");
        }

        if (retry.BaseDelay < TimeSpan.Zero || retry.MaxDelay < TimeSpan.Zero)
        {
            errors.Add("Retry.BaseDelay and Retry.MaxDelay must not be negative.");
        }
        else if (retry.BaseDelay > retry.MaxDelay)
        {
            errors.Add("Retry.BaseDelay must not exceed Retry.MaxDelay.");
        }

        if (retry.RetryCountHeader is not null && !HeaderNames.IsValid(retry.RetryCountHeader))
        {
            errors.Add("Retry.RetryCountHeader must be a valid header name or null.");
        }

        if (!HeaderNames.IsValid(retry.IdempotencyKeyHeader))
        {
            errors.Add("Retry.IdempotencyKeyHeader must be a valid header name.");
        }
    }

    private static void ValidateCircuitBreaker(CircuitBreakerOptions? breaker, List<string> errors)
    {
        if (breaker is null)
        {
            errors.Add("CircuitBreaker is required.");
            return;
        }

        if (!(breaker.FailureRatio > 0 && breaker.FailureRatio <= 1))
        {
            errors.Add("CircuitBreaker.FailureRatio must be more than 0 and at most 1.");
        }

        if (breaker.MinimumThroughput < 2)
        {
            errors.Add("CircuitBreaker.MinimumThroughput must be at least 2.");
        }

        if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.SamplingDuration > TimeSpan.FromDays(1))
        {
            errors.Add("CircuitBreaker.SamplingDuration must be between 0.5 seconds and one day.");
        }

        if (breaker.BreakDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration > TimeSpan.FromDays(1))
        {
            errors.Add("CircuitBreaker.BreakDuration must be between 0.5 seconds and one day.");
        }
    }

    private static void ValidateResume(ResumeOptions? resume, List<string> errors)
    {
        if (resume is null)
        {
            errors.Add("Resume is required.");
            return;
        }

        if (resume.MaxAttempts < 0)
        {
            errors.Add("Resume.MaxAttempts must be zero or more.");
        }

        if (resume.BaseDelay < TimeSpan.Zero || resume.MaxDelay < TimeSpan.Zero || resume.MaxServerRetryInterval < TimeSpan.Zero)
        {
            errors.Add("Resume.BaseDelay, MaxDelay and MaxServerRetryInterval must not be negative.");
        }
        else if (resume.BaseDelay > resume.MaxDelay)
        {
            errors.Add("Resume.BaseDelay must not exceed Resume.MaxDelay.");
        }

        if (resume.DedupeWindow < 1)
        {
            errors.Add("Resume.DedupeWindow must be at least 1.");
        }
    }

    private static void ValidatePlugins(Sdk.Plugins.PluginOptions? plugins, List<string> errors)
    {
        if (plugins is null)
        {
            errors.Add("Plugins is required.");
            return;
        }

        CheckTimeout(plugins.HookTimeout, "Plugins.HookTimeout", errors);
        if (plugins.FailureThreshold < 1)
        {
            errors.Add("Plugins.FailureThreshold must be at least 1.");
        }

        if (plugins.CoolDown < TimeSpan.Zero)
        {
            errors.Add("Plugins.CoolDown must not be negative.");
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
