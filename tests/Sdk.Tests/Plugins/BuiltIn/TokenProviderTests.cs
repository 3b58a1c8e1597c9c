using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Plugins.BuiltIn.AuthTestSupport;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// A token provider's tokens (src/Sdk/Plugins/BuiltIn/TokenCache.cs) on the client's manual clock: cached; refreshed in the
/// background once inside the refresh-ahead window (at most half the token's life) while the current one is still sent;
/// waited for once expired, with concurrent calls sharing one refresh. Against the chaos server, which logs each header.
/// </summary>
public sealed class TokenProviderTests
{
    private static readonly TimeSpan Life = TimeSpan.FromMinutes(10);

    /// <summary>Counts attempts reaching the authentication plugin's hook: it runs just before it, in the same hook run.</summary>
    private sealed class ArrivalPlugin : ISdkPlugin
    {
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private int _arrived;

        public PluginManifest Manifest { get; } = new("test.arrivals", new SemanticVersion(1))
        {
            Before = [BuiltInPlugins.Authentication],
            Criticality = PluginCriticality.Required,
        };

        public Task WaitForAsync(int count)
        {
            lock (_lock)
            {
                if (_arrived >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task.WaitAsync(CoreAsync.Bound);
            }
        }

        public void Register(PluginHooks hooks) => hooks.OnRequest((_, _) =>
        {
            lock (_lock)
            {
                _arrived++;
                _waiters.RemoveAll(w => w.Count <= _arrived && w.Reached.TrySetResult());
            }

            return ValueTask.CompletedTask;
        }, HookScope.Attempt);
    }

    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, ApiCredential credential, ISdkPlugin? extra = null)
    {
        SdkClientBuilder builder = SdkClient.CreateBuilder(ChaosClient.Options(server.BaseAddress, time, o => o.Credential = credential));
        if (extra is not null)
        {
            builder.AddPlugin(extra);
        }

        return builder.Build();
    }

    private static Task<ApiResponse<Item>> GetAsync(SdkClient client) => client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item);

    private static async Task<string?> SendAsync(SdkClient client, ChaosScript script)
    {
        await GetAsync(client).WaitAsync(CoreAsync.Bound);
        return script.Log[script.Log.Count].Header("Authorization");
    }

    [Fact]
    public async Task Token_IsCachedAcrossCalls_TheProviderIsCalledOnce()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time, Life);
        await using SdkClient client = Create(server, time, source.Credential());

        for (int i = 0; i < 5; i++)
        {
            await GetAsync(client).WaitAsync(CoreAsync.Bound);
        }

        time.Advance(TimeSpan.FromMinutes(4)); // still before the refresh-ahead window (5 min before expiry)
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => GetAsync(client))).WaitAsync(CoreAsync.Bound);

        Assert.Equal(1, source.Calls);
        Assert.Equal(15, script.Log.Count);
        Assert.All(script.Log.Requests, r => Assert.Equal(AuthTokenSource.HeaderOf(1), r.Header("Authorization")));
    }

    [Fact]
    public async Task InsideTheRefreshAheadWindow_TheCurrentTokenIsSentWhileOneBackgroundRefreshRuns_ThenTheNewOne()
    {
        var time = new ManualTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var gate = new TaskCompletionSource();
        var source = new AuthTokenSource(time, Life).Hold(2, gate.Task);
        await using SdkClient client = Create(server, time, source.Credential(refreshAhead: TimeSpan.FromMinutes(2)));
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));

        time.Advance(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(59));
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script)); // not yet in the window
        time.Advance(TimeSpan.FromSeconds(1)); // 2 minutes before expiry

        // The refresh is held, yet calls go on with the current token: it runs in the background.
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));
        Assert.Equal(start + TimeSpan.FromMinutes(8), await source.BeganAsync(2)); // started at 8 min, not before
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));
        Assert.Equal(2, source.Calls); // one refresh, shared by the calls in the window

        gate.SetResult();
        await SendUntilAuthorizationAsync(client, script, "items", AuthTokenSource.HeaderOf(2), meanwhile: AuthTokenSource.HeaderOf(1));

        Assert.Equal(AuthTokenSource.HeaderOf(2), await SendAsync(client, script));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task RefreshAhead_IsCappedAtHalfTheTokensLife()
    {
        var time = new ManualTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time, TimeSpan.FromMinutes(4)); // shorter than the default 5-minute refresh-ahead
        await using SdkClient client = Create(server, time, source.Credential());
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script)); // uncapped, this would refresh already

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(59));
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));
        time.Advance(TimeSpan.FromSeconds(1)); // half the life: 2 minutes before expiry
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));

        Assert.Equal(start + TimeSpan.FromMinutes(2), await source.BeganAsync(2));
        await SendUntilAuthorizationAsync(client, script, "items", AuthTokenSource.HeaderOf(2), meanwhile: AuthTokenSource.HeaderOf(1));
        Assert.Equal(2, source.Calls);
    }

    [Theory]
    [InlineData(4, 5, 2)] // capped: half of 4 minutes
    [InlineData(4, 1, 1)] // under the cap: as asked
    [InlineData(10, 0, 0)] // no refresh ahead: at expiry
    public async Task RefreshTime_IsExpiryMinusTheSmallerOfRefreshAheadAndHalfTheLife(int lifeMinutes, int aheadMinutes, int expectedAheadMinutes)
    {
        var time = new ManualTimeProvider();
        var source = new AuthTokenSource(time, TimeSpan.FromMinutes(lifeMinutes));
        var cache = new TokenCache(source.Credential(TimeSpan.FromMinutes(aheadMinutes)), time, new SecretRedactor(), CancellationToken.None);

        TokenCache.Entry entry = await cache.GetAsync(CancellationToken.None).AsTask().WaitAsync(CoreAsync.Bound);

        DateTimeOffset expires = time.GetUtcNow() + TimeSpan.FromMinutes(lifeMinutes);
        Assert.Equal(AuthTokenSource.HeaderOf(1), entry.HeaderValue);
        Assert.Equal(expires, entry.ExpiresOn);
        Assert.Equal(expires - TimeSpan.FromMinutes(expectedAheadMinutes), entry.RefreshAt);
    }

    [Fact]
    public async Task OnceExpired_TheCallWaitsForTheRefreshAndSendsTheNewToken()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var gate = new TaskCompletionSource();
        var source = new AuthTokenSource(time, Life).Hold(2, gate.Task);
        await using SdkClient client = Create(server, time, source.Credential());
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));

        time.Advance(Life);
        Task<ApiResponse<Item>> call = GetAsync(client);
        await source.BeganAsync(2);

        Assert.False(call.IsCompleted);
        Assert.Equal(1, script.Log.Count); // the expired token was not sent
        gate.SetResult();
        await call.WaitAsync(CoreAsync.Bound);
        Assert.Equal(2, script.Log.Count);
        Assert.Equal(AuthTokenSource.HeaderOf(2), script.Log[2].Header("Authorization"));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task OnceExpired_TwentyConcurrentCallsShareOneProviderCall()
    {
        const int Calls = 20;
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var gate = new TaskCompletionSource();
        var source = new AuthTokenSource(time, Life).Hold(2, gate.Task);
        var arrivals = new ArrivalPlugin();
        await using SdkClient client = Create(server, time, source.Credential(), arrivals);
        Assert.Equal(AuthTokenSource.HeaderOf(1), await SendAsync(client, script));

        time.Advance(Life + TimeSpan.FromSeconds(1));
        Task[] calls = [.. Enumerable.Range(0, Calls).Select(_ => Task.Run(() => GetAsync(client)))];
        await source.BeganAsync(2);
        await arrivals.WaitForAsync(1 + Calls); // every call is at the authentication hook, waiting for the refresh

        Assert.Equal(1, script.Log.Count);
        Assert.DoesNotContain(calls, c => c.IsCompleted);
        gate.SetResult();
        await Task.WhenAll(calls).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, source.Calls);
        Assert.Equal(1 + Calls, script.Log.Count);
        Assert.All(script.Log.Requests.Skip(1), r => Assert.Equal(AuthTokenSource.HeaderOf(2), r.Header("Authorization")));
    }
}
