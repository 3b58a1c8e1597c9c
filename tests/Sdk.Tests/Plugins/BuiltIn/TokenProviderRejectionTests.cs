using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// A 401 to a token provider's token (src/Sdk/Plugins/BuiltIn/AuthenticationPlugin.cs): the token is refreshed and the
/// attempt sent again at once, once per run of 401s, for any method (a 401 means the request was not processed) and without
/// using the retry budget. Against <see cref="AuthServer"/>, which checks the token, and the chaos server for a stream.
/// </summary>
public sealed class TokenProviderRejectionTests
{
    private static readonly EchoRequest Body = new("order", 1);

    private static SdkClient Create(AuthServer server, ManualTimeProvider time, AuthTokenSource source, Action<ClientOptions>? configure = null) =>
        SdkClient.Create(ChaosClient.Options(server.BaseAddress, time, o =>
        {
            o.Credential = source.Credential();
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        }));

    private static Task<ApiResponse<Item>> GetAsync(SdkClient client) =>
        client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

    [Fact]
    public async Task OldTokenRejected_IsRefreshedAndTheAttemptSentAgainWithTheNewToken()
    {
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync(AuthTokenSource.HeaderOf(2));
        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source);

        ApiResponse<Item> response = await GetAsync(client);

        Assert.Equal(2, response.Value.Id);
        Assert.Equal([AuthTokenSource.HeaderOf(1), AuthTokenSource.HeaderOf(2)], server.Authorizations);
        Assert.Equal(2, source.Calls);

        // The new token is cached.
        await GetAsync(client);
        Assert.Equal(3, server.Log.Requests.Count);
        Assert.Equal(AuthTokenSource.HeaderOf(2), server.Authorizations[2]);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task Post_OldTokenRejected_IsSentAgainWithTheNewToken_EvenWithoutRetriesOrIdempotencyKey()
    {
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync(AuthTokenSource.HeaderOf(2));
        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source, o =>
        {
            o.Retry.MaxRetries = 0;
            o.Retry.AutomaticIdempotencyKeys = false;
        });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, response.Value.Id);
        IReadOnlyList<CoreSeenRequest> requests = server.Log.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("""{"text":"order","count":1}""", r.Body);
            Assert.Null(r.Header("Idempotency-Key"));
        });
        Assert.Equal([AuthTokenSource.HeaderOf(1), AuthTokenSource.HeaderOf(2)], server.Authorizations);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task FreshTokenRejectedToo_FailsWith401AfterOneRefreshAndRetry_WithoutShowingEitherToken()
    {
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync(); // accepts nothing; its 401 body echoes the token
        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source);

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => GetAsync(client));

        Assert.Equal(401, (int)error.StatusCode);
        Assert.Equal([AuthTokenSource.HeaderOf(1), AuthTokenSource.HeaderOf(2)], server.Authorizations);
        Assert.Equal(2, source.Calls);
        Assert.Contains("was refused", error.RawBody, StringComparison.Ordinal);
        foreach (string text in (string[])[error.ToString(), error.RawBody!])
        {
            Assert.DoesNotContain(AuthTokenSource.TokenOf(1), text, StringComparison.Ordinal);
            Assert.DoesNotContain(AuthTokenSource.TokenOf(2), text, StringComparison.Ordinal);
        }

        // The next call gets one refresh-and-retry of its own.
        await Assert.ThrowsAsync<ApiException>(() => GetAsync(client));
        Assert.Equal(4, server.Log.Requests.Count);
        Assert.Equal(3, source.Calls);
        Assert.Equal([AuthTokenSource.HeaderOf(2), AuthTokenSource.HeaderOf(3)], server.Authorizations.Skip(2));
    }

    [Fact]
    public async Task TokenRevokedMidLife_TheNext401RefreshesIt()
    {
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync(AuthTokenSource.HeaderOf(1));
        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source);
        await GetAsync(client);

        server.Revoke(AuthTokenSource.HeaderOf(1));
        server.Accept(AuthTokenSource.HeaderOf(2));
        await GetAsync(client);
        await GetAsync(client);

        Assert.Equal([AuthTokenSource.HeaderOf(1), AuthTokenSource.HeaderOf(1), AuthTokenSource.HeaderOf(2), AuthTokenSource.HeaderOf(2)], server.Authorizations);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task ConcurrentCallsRejected_ShareOneRefresh()
    {
        const int Calls = 10;
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync(AuthTokenSource.HeaderOf(1));
        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source);
        await GetAsync(client);

        server.Revoke(AuthTokenSource.HeaderOf(1));
        server.Accept(AuthTokenSource.HeaderOf(2));
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => Task.Run(() => GetAsync(client)))).WaitAsync(CoreAsync.Bound);

        // Each call's 401 to tok-1 forgets it only if no newer token replaced it yet: one refresh for all of them.
        Assert.Equal(2, source.Calls);
        Assert.Equal(AuthTokenSource.HeaderOf(2), server.Authorizations[^1]);
        Assert.Equal(Calls, server.Authorizations.Skip(1).Count(a => a == AuthTokenSource.HeaderOf(2)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RequestWithItsOwnAuthorization_IsSentAsIs_TheProviderIsNeverCalled(bool accepted)
    {
        var time = new ManualTimeProvider();
        await using AuthServer server = await AuthServer.StartAsync();
        if (accepted)
        {
            server.Accept("Bearer mine");
        }

        var source = new AuthTokenSource(time);
        await using SdkClient client = Create(server, time, source);
        Task<ApiResponse<Item>> call = client.SendAsync(ApiRequest.Get("items").WithHeader("Authorization", "Bearer mine"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        if (accepted)
        {
            await call;
        }
        else
        {
            // The caller's own token was refused: refreshing the provider's token cannot change that answer.
            ApiException error = await Assert.ThrowsAsync<ApiException>(() => call);
            Assert.Equal(401, (int)error.StatusCode);
        }

        Assert.Equal(["Bearer mine"], server.Authorizations);
        Assert.Equal(0, source.Calls);
    }

    [Fact]
    public async Task SseStream_ConnectRejectedForTheOldToken_IsSentAgainWithTheNewTokenAndDeliversItsEvents()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("events", new ChaosSse { Events = 5, Prelude = [ChaosReply.Status(401)] });
        var source = new AuthTokenSource(time);
        await using SdkClient client = ChaosClient.Create(server, time, o =>
        {
            o.Credential = source.Credential();
            o.Retry.MaxRetries = 0;
        });

        List<Item> items = await client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2, 3, 4, 5], items.Select(i => i.Id));
        Assert.Equal(2, sse.Log.Count);
        Assert.Equal(1, sse.Connections);
        Assert.Equal(AuthTokenSource.HeaderOf(1), sse.Log[1].Header("Authorization"));
        Assert.Equal(AuthTokenSource.HeaderOf(2), sse.Log[2].Header("Authorization"));
        Assert.Equal(2, source.Calls);
    }
}
