namespace Sdk;

/// <summary>The client-side rate limiter (<see cref="ClientOptions.RateLimiter"/>) refused the call a permit; nothing was sent.</summary>
public sealed class RateLimitedException : SdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="retryAfter">When the limiter expects a permit to be free, or <see langword="null"/> when it does not say.</param>
    /// <param name="message">A description naming the request; must not contain a credential.</param>
    public RateLimitedException(TimeSpan? retryAfter, string message)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When the limiter expects a permit to be free, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }
}
