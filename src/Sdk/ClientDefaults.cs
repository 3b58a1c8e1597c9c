namespace Sdk;

/// <summary>The defaults of every option, in one place. Each is explained in docs/getting-started.md.</summary>
internal static class ClientDefaults
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(100);
    public static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(100);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(100);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromMinutes(10);

    public const int MaxLineBytes = 4 * 1024 * 1024;
    public const int MaxEventBytes = 16 * 1024 * 1024;
    public const string TerminalSentinel = "[DONE]";

    public const int MaxErrorBodyBytes = 64 * 1024;
    public const long MaxResponseBytes = 64L * 1024 * 1024;

    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    public const int MaxConnectionsPerServer = int.MaxValue;
    public const int MaxResponseDrainBytes = 64 * 1024;
    public static readonly TimeSpan ResponseDrainTimeout = TimeSpan.FromSeconds(1);

    public static readonly string[] RequestIdHeaders = ["x-request-id", "request-id"];

    public const int MaxRetries = 3;
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(30);
    public const string RetryCountHeader = "x-retry-count";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public const double BreakerFailureRatio = 0.5;
    public static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(30);
    public const int BreakerMinimumThroughput = 10;
    public static readonly TimeSpan BreakerBreakDuration = TimeSpan.FromSeconds(10);

    public const int MaxResumeAttempts = 5;
    public static readonly TimeSpan ResumeBaseDelay = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan ResumeMaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxServerRetryInterval = TimeSpan.FromSeconds(30);
    public const int ResumeDedupeWindow = 1024;

    public static readonly TimeSpan PluginHookTimeout = TimeSpan.FromSeconds(5);
    public const int PluginFailureThreshold = 5;
    public static readonly TimeSpan PluginCoolDown = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan TokenRefreshAhead = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan TokenHookTimeout = TimeSpan.FromSeconds(30);
    public const string ClientRequestIdHeader = "X-Client-Request-Id";
    public const int MaxRedirects = 5;
    public const int MaxHookResends = 8;

    public static readonly TimeSpan WebSocketKeepAliveInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan WebSocketKeepAliveTimeout = TimeSpan.FromSeconds(20);
    public const int WebSocketMaxMessageBytes = 4 * 1024 * 1024;
    public const int WebSocketSendQueueCapacity = 256;
    public static readonly TimeSpan WebSocketCloseTimeout = TimeSpan.FromSeconds(5);
    public const int WebSocketReplayCapacity = 256;
    public const int WebSocketInitialReceiveBuffer = 16 * 1024;

    /// <summary>A WebSocket connection's read-ahead buffer: many small messages per read of the connection.</summary>
    public const int WebSocketReadAheadBytes = 32 * 1024;
    public const int WebSocketMaxSocketsPerEndpoint = 4;
    public const int WebSocketMaxSubscriptionsPerSocket = 100;
    public static readonly TimeSpan WebSocketIdleCloseDelay = TimeSpan.FromSeconds(30);
    public const int WebSocketSubscriptionBuffer = 1024;
}
