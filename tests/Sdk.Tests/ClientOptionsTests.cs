namespace Sdk.Tests;

/// <summary>ClientOptions defaults and validation (ClientOptionsValidator, run by Build()).</summary>
public sealed class ClientOptionsTests
{
    private static ArgumentException BuildFails(ClientOptions options) => Assert.Throws<ArgumentException>(() => SdkClient.CreateBuilder(options).Build());

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new ClientOptions();

        Assert.Null(options.BaseAddress);
        Assert.Null(options.Credential);
        Assert.Null(options.UserAgent);
        Assert.Empty(options.DefaultHeaders);
        Assert.Equal(["x-request-id", "request-id"], options.RequestIdHeaders);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeouts.Connect);
        Assert.Equal(TimeSpan.FromSeconds(100), options.Timeouts.Attempt);
        Assert.Equal(TimeSpan.FromSeconds(100), options.Timeouts.FirstEvent);
        Assert.Equal(TimeSpan.FromSeconds(100), options.Timeouts.Idle);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeouts.Total);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.Timeouts.StreamTotal);
        Assert.Equal(64 * 1024, options.MaxErrorBodyBytes);
        Assert.Equal(64L * 1024 * 1024, options.MaxResponseBytes);
        Assert.Null(options.ErrorType);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(4 * 1024 * 1024, options.Streaming.MaxLineBytes);
        Assert.Equal("[DONE]", options.Streaming.TerminalSentinel);
        Assert.Equal(System.Net.HttpVersion.Version11, options.Connections.HttpVersion);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Connections.PooledConnectionLifetime);
    }

    [Fact]
    public void Build_SeveralProblems_ReportsEveryOneInOneMessage()
    {
        var options = new ClientOptions
        {
            BaseAddress = null,
            UserAgent = "bad\r\nX-Injected: 1",
            MaxErrorBodyBytes = -1,
            MaxResponseBytes = 0,
            Timeouts = { Connect = TimeSpan.Zero, Idle = TimeSpan.FromSeconds(-5) },
            Streaming = { MaxLineBytes = 1, TerminalSentinel = "" },
            Connections = { MaxConnectionsPerServer = 0, KeepAlivePingDelay = TimeSpan.FromMilliseconds(10) },
        };
        options.DefaultHeaders["bad header"] = "x";
        options.DefaultHeaders["X-Good"] = "line\nbreak";
        options.RequestIdHeaders.Add("not:valid");

        ArgumentException error = BuildFails(options);

        Assert.Equal("options", error.ParamName);
        Assert.Contains("(13 problems)", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseAddress is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("UserAgent must not contain a line break.", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxErrorBodyBytes must be zero or more.", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes must be more than zero.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Connect must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timeouts.Idle must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streaming.MaxLineBytes must be at least 16.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streaming.TerminalSentinel must be null (none) or non-empty.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connections.MaxConnectionsPerServer must be at least 1.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connections.KeepAlivePingDelay must be at least one second.", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultHeaders has an invalid header name 'bad header'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultHeaders['X-Good'] must be a value without line breaks.", error.Message, StringComparison.Ordinal);
        Assert.Contains("RequestIdHeaders has an invalid header name 'not:valid'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MissingBaseAddress_SaysItIsRequired()
    {
        ArgumentException error = BuildFails(new ClientOptions());

        Assert.Contains("(1 problem)", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseAddress is required.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://files.example.com/")]
    [InlineData("file:///tmp/x")]
    public void Build_NonHttpBaseAddress_IsRejected(string address)
    {
        ArgumentException error = BuildFails(new ClientOptions { BaseAddress = new Uri(address) });

        Assert.Contains("BaseAddress must be an absolute http or https URI.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RelativeBaseAddress_IsRejected()
    {
        ArgumentException error = BuildFails(new ClientOptions { BaseAddress = new Uri("v1/", UriKind.Relative) });

        Assert.Contains("BaseAddress must be an absolute http or https URI.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UserInfoInBaseAddress_IsRejectedWithoutEchoingIt()
    {
        ArgumentException error = BuildFails(new ClientOptions { BaseAddress = new Uri("https://admin:hunter2@api.example.com/v1/") });

        Assert.Contains("BaseAddress must not carry user information; set Credential instead.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.example.com/v1/?api-version=2024")]
    [InlineData("https://api.example.com/v1/#top")]
    public void Build_QueryOrFragmentInBaseAddress_IsRejected(string address)
    {
        ArgumentException error = BuildFails(new ClientOptions { BaseAddress = new Uri(address) });

        Assert.Contains("BaseAddress must not have a query or a fragment.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AttemptLongerThanTotal_IsRejected()
    {
        ArgumentException error = BuildFails(new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Timeouts = { Attempt = TimeSpan.FromMinutes(2), Total = TimeSpan.FromMinutes(1) },
        });

        Assert.Contains("Timeouts.Attempt must not exceed Timeouts.Total.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConnectLongerThanAttempt_IsRejected()
    {
        ArgumentException error = BuildFails(new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Timeouts = { Connect = TimeSpan.FromSeconds(30), Attempt = TimeSpan.FromSeconds(20) },
        });

        Assert.Contains("Timeouts.Connect must not exceed Timeouts.Attempt.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_InfiniteTimeouts_AreAccepted()
    {
        var options = new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Timeouts =
            {
                Connect = Timeout.InfiniteTimeSpan,
                Attempt = Timeout.InfiniteTimeSpan,
                Total = Timeout.InfiniteTimeSpan,
                Idle = Timeout.InfiniteTimeSpan,
                FirstEvent = Timeout.InfiniteTimeSpan,
            },
        };

        await using SdkClient client = SdkClient.CreateBuilder(options).Build();

        Assert.Equal(new Uri("https://api.example.com/"), client.BaseAddress);
    }

    [Fact]
    public void Build_NullSubOptions_AreReportedNotThrownAsNullReference()
    {
        var options = new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Timeouts = null!,
            Streaming = null!,
            Connections = null!,
            TimeProvider = null!,
        };

        ArgumentException error = BuildFails(options);

        Assert.Contains("Timeouts is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streaming is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connections is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("TimeProvider is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RequireSentinelWithoutSentinel_IsRejected()
    {
        ArgumentException error = BuildFails(new ClientOptions
        {
            BaseAddress = new Uri("https://api.example.com/"),
            Streaming = { TerminalSentinel = null, RequireTerminalSentinel = true },
        });

        Assert.Contains("Streaming.RequireTerminalSentinel needs a Streaming.TerminalSentinel.", error.Message, StringComparison.Ordinal);
    }
}
