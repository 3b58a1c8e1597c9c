namespace Sdk.Tests.Resilience;

/// <summary>The resilience options (retry, circuit breaker, resume, fallback addresses) are validated at <c>Build()</c>, every problem in one message.</summary>
public sealed class ResilienceOptionsValidationTests
{
    private static ClientOptions Valid() => new() { BaseAddress = new Uri("http://127.0.0.1:1/") };

    [Fact]
    public void Build_EveryResilienceOptionInvalid_ReportsAllProblemsInOneMessage()
    {
        ClientOptions options = Valid();
        options.FallbackAddresses.Add(new Uri("ftp://mirror.example/"));
        options.FallbackAddresses.Add(new Uri("relative/path", UriKind.Relative));
        options.FallbackAddresses.Add(new Uri("https://mirror.example/?region=eu"));
        options.Retry.MaxRetries = -1;
        options.Retry.BaseDelay = TimeSpan.FromSeconds(-1);
        options.Retry.RetryCountHeader = "bad header";
        options.Retry.IdempotencyKeyHeader = "";
        options.CircuitBreaker.FailureRatio = 0;
        options.CircuitBreaker.MinimumThroughput = 1;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromMilliseconds(100);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromDays(2);
        options.Resume.MaxAttempts = -1;
        options.Resume.MaxServerRetryInterval = TimeSpan.FromSeconds(-1);
        options.Resume.DedupeWindow = 0;

        ArgumentException error = Assert.Throws<ArgumentException>(() => SdkClient.Create(options));

        string[] expected =
        [
            "(14 problems)",
            "FallbackAddresses[0] must be an absolute http or https URI.",
            "FallbackAddresses[1] must be an absolute http or https URI.",
            "FallbackAddresses[2] must not have a query or a fragment.",
            "Retry.MaxRetries must be zero or more.",
            "Retry.BaseDelay and Retry.MaxDelay must not be negative.",
            "Retry.RetryCountHeader must be a valid header name or null.",
            "Retry.IdempotencyKeyHeader must be a valid header name.",
            "CircuitBreaker.FailureRatio must be more than 0 and at most 1.",
            "CircuitBreaker.MinimumThroughput must be at least 2.",
            "CircuitBreaker.SamplingDuration must be between 0.5 seconds and one day.",
            "CircuitBreaker.BreakDuration must be between 0.5 seconds and one day.",
            "Resume.MaxAttempts must be zero or more.",
            "Resume.BaseDelay, MaxDelay and MaxServerRetryInterval must not be negative.",
            "Resume.DedupeWindow must be at least 1.",
        ];
        Assert.All(expected, e => Assert.Contains(e, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_CrossFieldRules_AreChecked()
    {
        ClientOptions options = Valid();
        options.Retry.BaseDelay = TimeSpan.FromSeconds(5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Resume.BaseDelay = TimeSpan.FromSeconds(5);
        options.Resume.MaxDelay = TimeSpan.FromSeconds(1);
        options.Timeouts.Attempt = TimeSpan.FromMinutes(2);
        options.Timeouts.Total = TimeSpan.FromMinutes(1);

        ArgumentException error = Assert.Throws<ArgumentException>(() => SdkClient.Create(options));

        Assert.Contains("(3 problems)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Retry.BaseDelay must not exceed Retry.MaxDelay.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resume.BaseDelay must not exceed Resume.MaxDelay.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Attempt must not exceed Timeouts.Total.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NullResilienceSections_AreReportedNotThrownAsNullReference()
    {
        ClientOptions options = Valid();
        options.Retry = null!;
        options.CircuitBreaker = null!;
        options.Resume = null!;
        options.FallbackAddresses.Add(null!);

        ArgumentException error = Assert.Throws<ArgumentException>(() => SdkClient.Create(options));

        Assert.Contains("(4 problems)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Retry is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("CircuitBreaker is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resume is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("FallbackAddresses[0] is null.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FallbackWithCredentialsInUri_IsRefused()
    {
        ClientOptions options = Valid();
        options.FallbackAddresses.Add(new Uri("https://user:secret@mirror.example/"));

        ArgumentException error = Assert.Throws<ArgumentException>(() => SdkClient.Create(options));

        Assert.Contains("FallbackAddresses[0] must not carry user information", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BoundaryValues_AreAccepted()
    {
        ClientOptions options = Valid();
        options.FallbackAddresses.Add(new Uri("https://mirror.example/v1"));
        options.Retry.MaxRetries = 0;
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.Zero;
        options.Retry.RetryCountHeader = null;
        options.CircuitBreaker.FailureRatio = 1;
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromMilliseconds(500);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromDays(1);
        options.Resume.MaxAttempts = 0;
        options.Resume.DedupeWindow = 1;

        using SdkClient client = SdkClient.Create(options);

        Assert.Equal(2, client.GetEndpointHealth().Count);
    }

    [Fact]
    public void Build_OptionsChangedAfterBuild_DoNotAffectTheClient()
    {
        ClientOptions options = Valid();
        using SdkClient client = SdkClient.Create(options);

        options.FallbackAddresses.Add(new Uri("https://mirror.example/"));
        options.Retry.MaxRetries = -5;

        Assert.Single(client.GetEndpointHealth());
    }
}
