using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The authentication plugin as a plugin (src/Sdk/Plugins/BuiltIn/AuthenticationPlugin.cs): present only with a credential,
/// replaced at run time to rotate a key, removed at build time; and its text (with <see cref="ApiCredential"/>'s and
/// <see cref="AccessToken"/>'s) never shows a secret.
/// </summary>
public sealed class AuthenticationPluginLifecycleTests
{
    private static ClientOptions Options(ChaosServer server, ManualTimeProvider time, ApiCredential? credential) =>
        ChaosClient.Options(server.BaseAddress, time, o => o.Credential = credential);

    private static async Task<ChaosRequest> SendAsync(SdkClient client, ChaosScript script)
    {
        int before = script.Log.Count;
        await client.SendAsync(ApiRequest.Get("items"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        Assert.Equal(before + 1, script.Log.Count);
        return script.Log[before + 1];
    }

    [Fact]
    public async Task ReplaceAsync_WithANewBearerToken_RotatesItForTheNextCalls()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(Options(server, time, ApiCredential.Bearer("old-token")));
        Assert.Equal("Bearer old-token", (await SendAsync(client, script)).Header("Authorization"));

        var rotated = new AuthenticationPlugin(ApiCredential.Bearer("new-token"));
        await client.Plugins.ReplaceAsync(rotated).WaitAsync(CoreAsync.Bound);

        Assert.True(client.Plugins.TryGet(BuiltInPlugins.Authentication, out ISdkPlugin? current));
        Assert.Same(rotated, current);
        Assert.Equal("Bearer new-token", (await SendAsync(client, script)).Header("Authorization"));
        Assert.Equal("Bearer new-token", (await SendAsync(client, script)).Header("Authorization"));
    }

    [Fact]
    public async Task ReplaceAsync_WithAnotherKindOfCredential_SendsOnlyTheNewOne()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(Options(server, time, ApiCredential.Bearer("old-token")));
        await SendAsync(client, script);

        await client.Plugins.ReplaceAsync(new AuthenticationPlugin(ApiCredential.ApiKey("key-2", "X-Key"))).WaitAsync(CoreAsync.Bound);
        ChaosRequest request = await SendAsync(client, script);

        Assert.Equal("key-2", request.Header("X-Key"));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task AddAsync_OnAClientWithoutCredential_StartsAuthenticating()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        await using SdkClient client = SdkClient.Create(Options(server, time, credential: null));
        Assert.False(client.Plugins.TryGet(BuiltInPlugins.Authentication, out _));
        Assert.Null((await SendAsync(client, script)).Header("Authorization"));

        await client.Plugins.AddAsync(new AuthenticationPlugin(ApiCredential.Bearer("late-token"))).WaitAsync(CoreAsync.Bound);

        Assert.Equal("Bearer late-token", (await SendAsync(client, script)).Header("Authorization"));
    }

    [Fact]
    public async Task RemovePlugin_AtBuild_SendsNoCredential()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        await using SdkClient client = SdkClient.CreateBuilder(Options(server, time, ApiCredential.Bearer("tok-abc")))
            .RemovePlugin(BuiltInPlugins.Authentication)
            .Build();

        ChaosRequest request = await SendAsync(client, script);

        Assert.False(client.Plugins.TryGet(BuiltInPlugins.Authentication, out _));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public void ToString_OfEveryKindOfCredentialAndOfThePlugin_NeverShowsTheSecret()
    {
        const string Secret = "s3cr3t-value-42";
        (ApiCredential Credential, string Expected)[] cases =
        [
            (ApiCredential.Bearer(Secret), "ApiCredential(Bearer, Authorization: ***)"),
            (ApiCredential.ApiKey(Secret), "ApiCredential(ApiKey, x-api-key: ***)"),
            (ApiCredential.ApiKey(Secret, "X-Custom-Key"), "ApiCredential(ApiKey, X-Custom-Key: ***)"),
            (ApiCredential.ApiKeyInQuery(Secret), "ApiCredential(ApiKeyQuery, ?api_key=***)"),
            (ApiCredential.ApiKeyInQuery(Secret, "code"), "ApiCredential(ApiKeyQuery, ?code=***)"),
            (ApiCredential.FromTokenProvider(_ => new ValueTask<AccessToken>(new AccessToken(Secret, DateTimeOffset.MaxValue))), "ApiCredential(TokenProvider, Authorization: Bearer ***)"),
        ];

        Assert.All(cases, c =>
        {
            Assert.Equal(c.Expected, c.Credential.ToString());
            string plugin = new AuthenticationPlugin(c.Credential).ToString();
            Assert.Equal($"AuthenticationPlugin({c.Expected})", plugin);
            Assert.DoesNotContain(Secret, plugin, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ToString_OfATokenAndOfACachedEntry_NeverShowsTheToken()
    {
        var expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        string token = new AccessToken("s3cr3t-token", expires).ToString();
        string entry = new TokenCache.Entry("Bearer s3cr3t-token", expires.AddMinutes(-5), expires).ToString();

        Assert.Equal("AccessToken(***, expires 2030-01-02T03:04:05.0000000+00:00)", token);
        Assert.DoesNotContain("s3cr3t", entry, StringComparison.Ordinal);
        Assert.Contains("***", entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToString_OfAPluginWhoseProviderGaveTokens_NeverShowsThem()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("items", ChaosReply.Ok());
        var source = new AuthTokenSource(time);
        await using SdkClient client = SdkClient.Create(Options(server, time, source.Credential()));
        Assert.Equal(AuthTokenSource.HeaderOf(1), (await SendAsync(client, script)).Header("Authorization"));

        Assert.True(client.Plugins.TryGet(BuiltInPlugins.Authentication, out ISdkPlugin? plugin));

        Assert.Equal("AuthenticationPlugin(ApiCredential(TokenProvider, Authorization: Bearer ***))", plugin.ToString());
        Assert.DoesNotContain(AuthTokenSource.TokenOf(1), plugin.ToString(), StringComparison.Ordinal);
    }
}
