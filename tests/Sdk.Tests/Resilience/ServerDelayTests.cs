using System.Globalization;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// The server's delay (src/Sdk/Resilience/ServerDelay.cs): <c>Retry-After</c> in seconds or as an HTTP date and
/// <c>retry-after-ms</c> are waited exactly, on the manual clock; a delay beyond <see cref="RetryOptions.MaxDelay"/> or the
/// time left ends retrying at once with <see cref="ApiException.RetryAfter"/>.
/// </summary>
public sealed class ServerDelayTests
{
    [Fact]
    public async Task SendAsync_RetryAfterSecondsThenRetryAfterMs_WaitsEachExactly()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary(
            "r",
            ChaosReply.Status(503).WithRetryAfter(2),
            ChaosReply.Status(429).WithRetryAfterMs(1500),
            ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(2));
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromMilliseconds(1500));

        ApiResponse<Item> response = await call.WaitAsync(CoreAsync.Bound);
        Assert.Equal(3, response.Value.Id);
    }

    [Fact]
    public async Task SendAsync_RetryAfterHttpDate_WaitsUntilThatDateOnTheClientsClock()
    {
        var time = new ManualTimeProvider();
        time.AdvanceTo(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(time.GetUtcNow().AddSeconds(7)), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(7));

        Assert.Equal(2, (await call.WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    public static TheoryData<string> ObsoleteDateFormats => new() { "rfc850", "asctime" };

    [Theory]
    [MemberData(nameof(ObsoleteDateFormats))]
    public async Task SendAsync_RetryAfterInAnObsoleteHttpDateFormat_IsHonouredToo(string format)
    {
        // RFC 9110 5.6.7: a recipient parsing an HTTP-date MUST accept the RFC 850 and asctime forms as well.
        var time = new ManualTimeProvider();
        time.AdvanceTo(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        DateTimeOffset at = time.GetUtcNow().AddSeconds(7);
        CultureInfo c = CultureInfo.InvariantCulture;
        string value = format == "rfc850"
            ? at.ToString("dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", c) // Sunday, 01-Jun-25 12:00:07 GMT
            : string.Create(c, $"{at.ToString("ddd MMM", c)} {at.Day,2} {at.ToString("HH':'mm':'ss yyyy", c)}"); // Sun Jun  1 12:00:07 2025
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(value), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.FromSeconds(1)); // a computed first delay would be under 1.4 s

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(7));

        Assert.Equal(2, (await call.WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_RetryAfterMsAndRetryAfter_RetryAfterMsWins()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(10).WithRetryAfterMs(250), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time);

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, (await call.WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_RetryAfterDateInThePast_RetriesAtOnce()
    {
        var time = new ManualTimeProvider();
        time.AdvanceTo(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(time.GetUtcNow().AddMinutes(-1)), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time);

        // The clock never moves: a retry that waited for anything would not complete.
        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id);
    }

    [Fact]
    public async Task SendAsync_RetryAfterUnreadable_FallsBackToComputedBackoff()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter("soon"), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.BaseDelay = TimeSpan.Zero);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id);
    }

    public static TheoryData<string, Func<ManualTimeProvider, ChaosReply>, TimeSpan> BeyondMaxDelay => new()
    {
        { "seconds", _ => ChaosReply.Status(503).WithRetryAfter(31), TimeSpan.FromSeconds(31) },
        { "milliseconds", _ => ChaosReply.Status(429).WithRetryAfterMs(30_001), TimeSpan.FromMilliseconds(30_001) },
        { "date", t => ChaosReply.Status(503).WithRetryAfter(t.GetUtcNow().AddSeconds(45)), TimeSpan.FromSeconds(45) },
    };

    [Theory]
    [MemberData(nameof(BeyondMaxDelay))]
    public async Task SendAsync_ServerDelayBeyondMaxDelay_FailsAtOnceCarryingRetryAfter(string kind, Func<ManualTimeProvider, ChaosReply> reply, TimeSpan expected)
    {
        _ = kind;
        var time = new ManualTimeProvider();
        time.AdvanceTo(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", reply(time), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.MaxDelay = TimeSpan.FromSeconds(30));

        // The clock never moves: the error comes without waiting.
        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(expected, error.RetryAfter);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_ServerDelayEqualToMaxDelay_IsWaited()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(30), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.MaxDelay = TimeSpan.FromSeconds(30));

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(30));

        Assert.Equal(2, (await call.WaitAsync(CoreAsync.Bound)).Value.Id);
    }

    [Fact]
    public async Task SendAsync_ServerDelayBeyondTimeLeft_FailsAtOnceCarryingRetryAfter()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(25), ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Timeouts = new TimeoutOptions { Connect = Timeout.InfiniteTimeSpan, Attempt = TimeSpan.FromSeconds(10), Total = TimeSpan.FromSeconds(20) });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(TimeSpan.FromSeconds(25), error.RetryAfter);
        Assert.Equal(1, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_SecondServerDelayBeyondWhatIsLeftAfterTheFirst_FailsAtOnce()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary(
            "r",
            ChaosReply.Status(503).WithRetryAfter(12), // 12 s of 20: accepted
            ChaosReply.Status(503).WithRetryAfter(10), // 10 s of the 8 left: refused
            ChaosReply.Ok());
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Timeouts = new TimeoutOptions { Connect = Timeout.InfiniteTimeSpan, Attempt = TimeSpan.FromSeconds(10), Total = TimeSpan.FromSeconds(20) });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(12));

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(2, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_TotalTimeoutDuringRetries_ThrowsTotalTimeout()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(15), ChaosReply.Stall());
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Timeouts.Attempt = TimeSpan.FromSeconds(10);
            o.Timeouts.Total = TimeSpan.FromSeconds(20);
        });

        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item);
        await script.Log.WaitForAsync(1);
        await time.AdvanceThroughBackoffAsync(script.Log, TimeSpan.FromSeconds(15));
        time.Advance(TimeSpan.FromSeconds(5)); // 20 s in all; the second attempt's own 10 s are not over

        SdkTimeoutException error = await Assert.ThrowsAsync<SdkTimeoutException>(() => call.WaitAsync(CoreAsync.Bound));
        Assert.Equal(TimeoutKind.Total, error.Kind);
        Assert.Equal(2, script.Log.Count);
    }

    [Fact]
    public async Task SendAsync_RetriesSpent_ErrorStillCarriesTheServersRetryAfter()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("r", ChaosReply.Status(429).WithRetryAfter(3));
        await using SdkClient client = ChaosClient.Create(server, time, o => o.Retry.MaxRetries = 0);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("r"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(429, (int)error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }
}
