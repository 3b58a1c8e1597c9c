using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in SDK headers plugin (src/Sdk/Plugins/BuiltIn/SdkHeadersPlugin.cs) and <see cref="PluginHooks.AddHeader"/>,
/// as the Kestrel server sees the headers: the user agent, extra SDK headers, and who wins over whom.
/// </summary>
public sealed class SdkHeadersPluginTests
{
    /// <summary>A plugin that only adds fixed headers.</summary>
    private sealed class FixedHeaderPlugin(PluginManifest manifest, params (string Name, string Value)[] headers) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = manifest;

        public void Register(PluginHooks hooks)
        {
            foreach ((string name, string value) in headers)
            {
                hooks.AddHeader(name, value);
            }
        }
    }

    private static async Task<CoreSeenRequest> SendAndCaptureAsync(Action<ClientOptions>? configure, Action<SdkClientBuilder>? build, ApiRequest? request = null)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") };
        configure?.Invoke(options);
        SdkClientBuilder builder = SdkClient.CreateBuilder(options);
        build?.Invoke(builder);
        await using SdkClient client = builder.Build();

        await client.SendAsync(request ?? ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        return log.Single;
    }

    [Fact]
    public async Task Default_UserAgentIsDefaultUserAgent()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(null, null);

        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, seen.Header("User-Agent"));
        Assert.StartsWith("Sdk/", SdkHeadersPlugin.DefaultUserAgent, StringComparison.Ordinal);
        Assert.Contains($"(.NET {Environment.Version};", SdkHeadersPlugin.DefaultUserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientOptionsUserAgent_ReplacesTheDefault()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.UserAgent = "acme-cli/2.1 (linux)", null);

        Assert.Equal("acme-cli/2.1 (linux)", seen.Header("User-Agent"));
    }

    [Fact]
    public async Task ReplacingPlugin_SendsItsUserAgentAndExtraHeaders()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o => o.UserAgent = "ignored/1",
            b => b.AddPlugin(new SdkHeadersPlugin("acme/2", [new("x-api-version", "2024-06-01"), new("X-Product", "acme-app")])));

        Assert.Equal("acme/2", seen.Header("User-Agent"));
        Assert.Equal("2024-06-01", seen.Header("x-api-version"));
        Assert.Equal("acme-app", seen.Header("X-Product"));
    }

    [Fact]
    public async Task ReplacingPluginWithoutUserAgent_SendsTheDefaultUserAgent()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(null, b => b.AddPlugin(new SdkHeadersPlugin(headers: [new("x-api-version", "3")])));

        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, seen.Header("User-Agent"));
        Assert.Equal("3", seen.Header("x-api-version"));
    }

    [Fact]
    public async Task DefaultHeadersUserAgent_WinsOverThePlugin()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o =>
            {
                o.UserAgent = "from-options/1";
                o.DefaultHeaders["user-agent"] = "from-defaults/1";
                o.DefaultHeaders["x-api-version"] = "defaults";
            },
            b => b.AddPlugin(new SdkHeadersPlugin("from-plugin/1", [new("X-Api-Version", "plugin")])));

        Assert.Equal("from-defaults/1", seen.Header("User-Agent"));
        Assert.Equal("defaults", seen.Header("x-api-version"));
    }

    [Fact]
    public async Task RequestsOwnHeader_WinsOverThePluginAndTheDefaults()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            o => o.DefaultHeaders["User-Agent"] = "from-defaults/1",
            b => b.AddPlugin(new SdkHeadersPlugin("from-plugin/1", [new("x-api-version", "plugin")])),
            ApiRequest.Get("items/1").WithHeader("user-agent", "per-request/1").WithHeader("X-API-VERSION", "request"));

        Assert.Equal("per-request/1", seen.Header("User-Agent"));
        Assert.Equal("request", seen.Header("x-api-version"));
    }

    [Fact]
    public async Task RemovePlugin_SendsNoUserAgent()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(o => o.UserAgent = "acme/1", b => b.RemovePlugin(BuiltInPlugins.SdkHeaders));

        Assert.Null(seen.Header("User-Agent"));
        Assert.NotNull(seen.Header("X-Client-Request-Id")); // the other built-ins are still there
    }

    public static TheoryData<string, string> InvalidHeaders => new()
    {
        { "", "v" },
        { "bad name", "v" },
        { "x-colon:", "v" },
        { "x-ok", "line\r\nX-Injected: 1" },
        { "x-ok", "line\nbreak" },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void Constructor_InvalidHeader_Throws(string name, string value)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new SdkHeadersPlugin(null, [new(name, value)]));

        Assert.Equal("headers", error.ParamName);
    }

    [Fact]
    public void Constructor_NullHeaderValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SdkHeadersPlugin(null, [new("x-ok", null!)]));
    }

    [Fact]
    public void Build_UserAgentWithLineBreak_IsRejected()
    {
        var options = new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:1/"), UserAgent = "a\r\nX-Injected: 1" };

        Assert.ThrowsAny<ArgumentException>(() => SdkClient.Create(options));
    }

    [Fact]
    public async Task AddHeader_TheLaterPluginInRunOrderWins()
    {
        // "second" is added first but runs after "first": run order decides, not the order of AddPlugin.
        CoreSeenRequest seen = await SendAndCaptureAsync(
            null,
            b => b
                .AddPlugin(new FixedHeaderPlugin(new PluginManifest("second", new SemanticVersion(1)) { After = ["first"] }, ("X-Stamp", "second"), ("User-Agent", "second-agent/1")))
                .AddPlugin(new FixedHeaderPlugin(new PluginManifest("first", new SemanticVersion(1)), ("x-stamp", "first"), ("X-Only-First", "yes"))));

        Assert.Equal("second", seen.Header("X-Stamp"));
        Assert.Equal("yes", seen.Header("X-Only-First"));
        Assert.Equal("second-agent/1", seen.Header("User-Agent")); // a user plugin runs after the built-ins, so it overrides them
    }

    [Fact]
    public async Task AddHeader_AnEarlierPluginDoesNotOverrideALaterOne()
    {
        CoreSeenRequest seen = await SendAndCaptureAsync(
            null,
            b => b.AddPlugin(new FixedHeaderPlugin(new PluginManifest("early", new SemanticVersion(1)) { Order = BuiltInPlugins.Order - 1 }, ("User-Agent", "early-agent/1"))));

        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, seen.Header("User-Agent"));
    }

    [Fact]
    public async Task AddHeader_AfterRegister_Throws()
    {
        PluginHooks? captured = null;
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddPlugin(new CapturingPlugin(h => captured = h))
            .Build();

        Assert.NotNull(captured);
        Assert.Throws<InvalidOperationException>(() => captured.AddHeader("X-Late", "1"));
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        Assert.Null(log.Single.Header("X-Late"));
    }

    [Theory]
    [InlineData("bad name", "v")]
    [InlineData("x-ok", "a\nb")]
    public void AddHeader_InvalidHeader_FailsTheBuild(string name, string value)
    {
        SdkClientBuilder builder = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:1/") })
            .AddPlugin(new FixedHeaderPlugin(new PluginManifest("bad", new SemanticVersion(1)), (name, value)));

        Exception error = Record.Exception(() => builder.Build().Dispose());

        Assert.NotNull(error);
        Assert.True(error is ArgumentException || error.InnerException is ArgumentException, error.ToString());
    }

    private sealed class CapturingPlugin(Action<PluginHooks> capture) : ISdkPlugin
    {
        public PluginManifest Manifest { get; } = new("capturing", new SemanticVersion(1));

        public void Register(PluginHooks hooks) => capture(hooks);
    }
}
