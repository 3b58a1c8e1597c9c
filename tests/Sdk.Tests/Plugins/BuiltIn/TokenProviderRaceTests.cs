using System.Diagnostics;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;
using static Sdk.Tests.Plugins.BuiltIn.AuthTestSupport;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// A call that looked at the cached token just before another call's refresh landed (src/Sdk/Plugins/BuiltIn/TokenCache.cs)
/// takes the new token instead of starting a second refresh. The interleaving is forced: the client's clock stops the call in
/// <c>TokenCache.GetAsync</c>, right after it read the token, until the test lets it go.
/// </summary>
public sealed class TokenProviderRaceTests
{
    /// <summary>
    /// The client's clock: a <see cref="ManualTimeProvider"/> whose next reading taken directly by <c>TokenCache.GetAsync</c>,
    /// once armed, blocks its thread until <see cref="Release"/>.
    /// </summary>
    private sealed class PausingClock(ManualTimeProvider clock) : TimeProvider
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _released = new();
        private int _armed;

        /// <summary>Completes (within <see cref="CoreAsync.Bound"/>) once a token read is paused.</summary>
        public Task Paused => _paused.Task.WaitAsync(CoreAsync.Bound);

        public override long TimestampFrequency => clock.TimestampFrequency;

        public void PauseNextTokenRead() => Volatile.Write(ref _armed, 1);

        public void Release() => _released.Set();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            clock.CreateTimer(callback, state, dueTime, period);

        public override DateTimeOffset GetUtcNow()
        {
            if (Volatile.Read(ref _armed) == 1 &&
                new StackFrame(1).GetMethod() is { Name: nameof(TokenCache.GetAsync) } caller && caller.DeclaringType == typeof(TokenCache) &&
                Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _paused.TrySetResult();
                if (!_released.Wait(CoreAsync.Bound))
                {
                    throw new TimeoutException("The paused token read was never released.");
                }
            }

            return clock.GetUtcNow();
        }
    }

    private static SdkClient Create(ChaosServer server, ManualTimeProvider clock, PausingClock pausing, ApiCredential credential) =>
        SdkClient.Create(ChaosClient.Options(server.BaseAddress, clock, o =>
        {
            o.TimeProvider = pausing;
            o.Credential = credential;
        }));

    private static Task<ApiResponse<Item>> GetAsync(SdkClient client) => client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item);

    [Fact]
    public async Task ExpiredTokenReadJustBeforeAnotherCallsRefreshLanded_TakesTheNewTokenWithoutASecondRefresh()
    {
        var clock = new ManualTimeProvider();
        var pausing = new PausingClock(clock);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(clock);
        await using SdkClient client = Create(server, clock, pausing, source.Credential());
        await GetAsync(client).WaitAsync(CoreAsync.Bound);
        clock.Advance(source.Lifetime + TimeSpan.FromSeconds(1));

        pausing.PauseNextTokenRead();
        Task<ApiResponse<Item>> late = Task.Run(() => GetAsync(client));
        await pausing.Paused; // the late call has read the expired tok-1
        await GetAsync(client).WaitAsync(CoreAsync.Bound); // another call refreshes: tok-2
        Assert.Equal(AuthTokenSource.HeaderOf(2), script.Log[2].Header("Authorization"));
        pausing.Release();
        await late.WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, source.Calls);
        Assert.Equal(3, script.Log.Count);
        Assert.Equal(AuthTokenSource.HeaderOf(2), script.Log[3].Header("Authorization"));
    }

    [Fact]
    public async Task TokenInTheRefreshWindowReadJustBeforeTheBackgroundRefreshLanded_StartsNoSecondRefresh()
    {
        var clock = new ManualTimeProvider();
        var pausing = new PausingClock(clock);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(clock);
        await using SdkClient client = Create(server, clock, pausing, source.Credential(refreshAhead: TimeSpan.FromMinutes(2)));
        await GetAsync(client).WaitAsync(CoreAsync.Bound);
        clock.Advance(TimeSpan.FromMinutes(9)); // in the window

        pausing.PauseNextTokenRead();
        Task<ApiResponse<Item>> late = Task.Run(() => GetAsync(client));
        await pausing.Paused; // the late call has read tok-1, due for a refresh
        await SendUntilAuthorizationAsync(client, script, "items", AuthTokenSource.HeaderOf(2), meanwhile: AuthTokenSource.HeaderOf(1));
        pausing.Release();
        await late.WaitAsync(CoreAsync.Bound);
        await GetAsync(client).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, source.Calls);
        Assert.Equal(AuthTokenSource.HeaderOf(2), script.Log[script.Log.Count].Header("Authorization"));
    }
}
