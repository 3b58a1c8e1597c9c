using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// A token provider that fails (src/Sdk/Plugins/BuiltIn/TokenCache.cs): when the call needs its token, the call fails with a
/// <see cref="PluginException"/> from <c>sdk.auth</c> and nothing is sent; a failed background refresh, while the current
/// token is still valid, does not fail the call.
/// </summary>
public sealed class TokenProviderFailureTests
{
    private static SdkClient Create(ChaosServer server, ManualTimeProvider time, ApiCredential credential) =>
        ChaosClient.Create(server, time, o => o.Credential = credential);

    private static Task<ApiResponse<Item>> GetAsync(SdkClient client) =>
        client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

    [Fact]
    public async Task ProviderThrows_TheCallFailsWithPluginExceptionWrappingIt_AndTheNextCallAsksAgain()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var boom = new InvalidOperationException("the token endpoint is down");
        var source = new AuthTokenSource(time).Fail(1, boom);
        await using SdkClient client = Create(server, time, source.Credential());

        PluginException error = await Assert.ThrowsAsync<PluginException>(() => GetAsync(client));

        Assert.Equal(BuiltInPlugins.Authentication, error.PluginId);
        Assert.Equal(HookKind.Request, error.Hook);
        Assert.Same(boom, error.InnerException);
        Assert.Equal(0, script.Log.Count);

        // A failure is not cached: the next call asks the provider again.
        await GetAsync(client);
        Assert.Equal(2, source.Calls);
        Assert.Equal(AuthTokenSource.HeaderOf(2), script.Log[1].Header("Authorization"));
    }

    [Fact]
    public async Task ProviderThrowsSynchronously_TheCallFailsWithPluginExceptionWrappingIt()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var boom = new HttpRequestException("no route to the token endpoint");
        await using SdkClient client = Create(server, time, ApiCredential.FromTokenProvider(_ => throw boom));

        PluginException error = await Assert.ThrowsAsync<PluginException>(() => GetAsync(client));

        Assert.Equal(BuiltInPlugins.Authentication, error.PluginId);
        Assert.Same(boom, error.InnerException);
        Assert.Equal(0, script.Log.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("tok\r\nX-Injected: 1")]
    public async Task ProviderReturnsAnEmptyOrInvalidToken_TheCallFailsWithPluginException(string? token)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time).Answer(1, now => token is null ? default : new AccessToken(token, now + TimeSpan.FromHours(1)));
        await using SdkClient client = Create(server, time, source.Credential());

        PluginException error = await Assert.ThrowsAsync<PluginException>(() => GetAsync(client));

        Assert.Equal(BuiltInPlugins.Authentication, error.PluginId);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(0, script.Log.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public async Task ProviderReturnsAnExpiredToken_TheCallFailsWithPluginException_WithoutShowingTheToken(int expiresInSeconds)
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time).Answer(1, now => new AccessToken("stale-s3cret", now + TimeSpan.FromSeconds(expiresInSeconds)));
        await using SdkClient client = Create(server, time, source.Credential());

        PluginException error = await Assert.ThrowsAsync<PluginException>(() => GetAsync(client));

        Assert.Equal(BuiltInPlugins.Authentication, error.PluginId);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.DoesNotContain("stale-s3cret", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, script.Log.Count);
    }

    [Fact]
    public async Task BackgroundRefreshFails_WhileTheTokenIsValid_TheCallsGoOnWithTheCurrentToken()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time, TimeSpan.FromMinutes(10)).Fail(2, new InvalidOperationException("the token endpoint is down"));
        await using SdkClient client = Create(server, time, source.Credential(refreshAhead: TimeSpan.FromMinutes(2)));
        await GetAsync(client);

        time.Advance(TimeSpan.FromMinutes(9)); // in the window, 1 minute before expiry
        await GetAsync(client);
        await source.BeganAsync(2);
        await GetAsync(client);

        // The failed refresh is not retried on every call: it waits a while (at most 30 s, half of the minute left here).
        Assert.Equal(2, source.Calls);
        Assert.Equal(3, script.Log.Count);
        Assert.All(script.Log.Requests, r => Assert.Equal(AuthTokenSource.HeaderOf(1), r.Header("Authorization")));
    }
}
