using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Plugins;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in plugins as a set (src/Sdk/Plugins/BuiltIn/BuiltInPlugins.cs, src/Sdk/SdkClientBuilder.cs): which a client
/// starts with and in what order, replacing and removing them at build time, and removing or swapping them at run time
/// through <see cref="SdkClient.Plugins"/>.
/// </summary>
public sealed class BuiltInPluginsTests
{
    private static readonly string[] Defaults = [BuiltInPlugins.SdkHeaders, BuiltInPlugins.RequestId, BuiltInPlugins.Idempotency, BuiltInPlugins.Redirects];

    private static ClientOptions Options(Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions { BaseAddress = new Uri("http://127.0.0.1:1/v1/") };
        configure?.Invoke(options);
        return options;
    }

    private static string[] Ids(SdkClient client) => [.. client.Plugins.Manifests.Select(m => m.Id)];

    [Fact]
    public async Task DefaultClient_ListsTheBuiltInsInOrder()
    {
        await using SdkClient client = SdkClient.Create(Options());

        Assert.Equal(Defaults, Ids(client));
        Assert.All(client.Plugins.Manifests, m => Assert.Equal(BuiltInPlugins.Order, m.Order));
    }

    [Fact]
    public async Task WithCredential_TheAuthPluginComesLast()
    {
        await using SdkClient client = SdkClient.Create(Options(o => o.Credential = ApiCredential.Bearer("tok")));

        Assert.Equal([.. Defaults, BuiltInPlugins.Authentication], Ids(client));
        Assert.True(client.Plugins.TryGet(BuiltInPlugins.Authentication, out ISdkPlugin? auth));
        Assert.IsType<AuthenticationPlugin>(auth);
    }

    [Fact]
    public async Task UserPlugins_RunAfterTheBuiltIns()
    {
        var log = new ConcurrentQueue<string>();
        await using SdkClient client = SdkClient.CreateBuilder(Options(o => o.Credential = ApiCredential.ApiKey("k")))
            .AddPlugin(StampPlugin.Create("user.b", log))
            .AddPlugin(StampPlugin.Create("user.a", log))
            .Build();

        Assert.Equal([.. Defaults, BuiltInPlugins.Authentication, "user.b", "user.a"], Ids(client));
    }

    [Fact]
    public async Task UserPluginWithABuiltInsId_ReplacesItAndStillRunsBeforeUserPlugins()
    {
        var log = new ConcurrentQueue<string>();
        var replacement = new SdkHeadersPlugin("replaced/1");
        await using SdkClient client = SdkClient.CreateBuilder(Options())
            .AddPlugin(StampPlugin.Create("user.a", log))
            .AddPlugin(replacement)
            .Build();

        string[] ids = Ids(client);
        Assert.Equal([.. Defaults, "user.a"], ids); // the replacement takes the built-in's place
        Assert.True(client.Plugins.TryGet(BuiltInPlugins.SdkHeaders, out ISdkPlugin? plugin));
        Assert.Same(replacement, plugin);
    }

    [Fact]
    public async Task UserPluginOfAnotherTypeWithABuiltInsId_ReplacesIt()
    {
        var log = new ConcurrentQueue<string>();
        var stamp = StampPlugin.Create(BuiltInPlugins.Redirects, log);
        await using SdkClient client = SdkClient.CreateBuilder(Options())
            .AddPlugin(stamp)
            .Build();

        Assert.Single(Ids(client), BuiltInPlugins.Redirects);
        Assert.True(client.Plugins.TryGet(BuiltInPlugins.Redirects, out ISdkPlugin? plugin));
        Assert.Same(stamp, plugin);
    }

    [Fact]
    public async Task ReplacedRedirectPlugin_ItsOptionsApply()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/a", () => Results.Redirect("/v1/b"));
            app.MapGet("/v1/b", () => Results.Redirect("/v1/c"));
            app.MapGet("/v1/c", () => Results.Json(new Item(3, "c"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddPlugin(new RedirectPlugin(new RedirectOptions { MaxRedirects = 1 }))
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("a"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.Equal(["/v1/a", "/v1/b"], log.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task RemovePlugin_UnknownId_IsIgnored()
    {
        await using SdkClient client = SdkClient.CreateBuilder(Options())
            .RemovePlugin("no.such.plugin")
            .Build();

        Assert.Equal(Defaults, Ids(client));
    }

    [Fact]
    public async Task RemovePlugin_EveryBuiltIn_LeavesNone()
    {
        SdkClientBuilder builder = SdkClient.CreateBuilder(Options(o => o.Credential = ApiCredential.Bearer("tok")));
        foreach (string id in (string[])[.. Defaults, BuiltInPlugins.Authentication])
        {
            builder.RemovePlugin(id);
        }

        await using SdkClient client = builder.Build();

        Assert.Empty(Ids(client));
    }

    [Fact]
    public async Task RemovePluginThenAddTheSameId_RemovesOnlyWhatWasThere()
    {
        var replacement = new RequestIdPlugin("x-my-id");
        await using SdkClient client = SdkClient.CreateBuilder(Options())
            .RemovePlugin(BuiltInPlugins.RequestId)
            .AddPlugin(replacement)
            .Build();

        Assert.True(client.Plugins.TryGet(BuiltInPlugins.RequestId, out ISdkPlugin? plugin));
        Assert.Same(replacement, plugin);
        Assert.Equal(Defaults.Order(StringComparer.Ordinal), Ids(client).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RemoveAsyncAtRunTime_TheNextCallReflectsIt()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/old", () => Results.Redirect("/v1/new"));
            app.MapGet("/v1/new", () => Results.Json(new Item(2, "new"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> before = await client.SendAsync(ApiRequest.Get("old"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.Plugins.RemoveAsync(BuiltInPlugins.Redirects).WaitAsync(CoreAsync.Bound);
        await client.Plugins.RemoveAsync(BuiltInPlugins.SdkHeaders).WaitAsync(CoreAsync.Bound);
        ApiException after = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("old"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal("new", before.Value.Text);
        Assert.Equal(HttpStatusCode.Found, after.StatusCode);
        Assert.Equal(["/v1/old", "/v1/new", "/v1/old"], log.Requests.Select(r => r.Path));
        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, log.Requests[0].Header("User-Agent"));
        Assert.Null(log.Requests[2].Header("User-Agent"));
        Assert.Equal([BuiltInPlugins.RequestId, BuiltInPlugins.Idempotency], Ids(client));
    }

    [Fact]
    public async Task ReplaceAsyncAtRunTime_TheNextCallUsesTheNewPlugin()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.Plugins.ReplaceAsync(new SdkHeadersPlugin("swapped/1", [new("x-api-version", "2")])).WaitAsync(CoreAsync.Bound);
        await client.Plugins.ReplaceAsync(new RequestIdPlugin("x-my-id")).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(2, log.Requests.Count);
        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, log.Requests[0].Header("User-Agent"));
        Assert.NotNull(log.Requests[0].Header("X-Client-Request-Id"));
        Assert.Equal("swapped/1", log.Requests[1].Header("User-Agent"));
        Assert.Equal("2", log.Requests[1].Header("x-api-version"));
        Assert.Null(log.Requests[1].Header("X-Client-Request-Id"));
        Assert.NotNull(log.Requests[1].Header("x-my-id"));
        Assert.Equal(Defaults, Ids(client)); // each replacement took the place of the plugin it replaced
    }

    [Fact]
    public async Task AddAsyncAtRunTime_ABuiltInThatWasRemovedAtBuildTimeComesBack()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .RemovePlugin(BuiltInPlugins.SdkHeaders)
            .Build();

        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);
        await client.Plugins.AddAsync(new SdkHeadersPlugin("back/1")).WaitAsync(CoreAsync.Bound);
        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Null(log.Requests[0].Header("User-Agent"));
        Assert.Equal("back/1", log.Requests[1].Header("User-Agent"));
        Assert.Equal(Defaults.Order(StringComparer.Ordinal), Ids(client).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BuiltInIds_AreTheDocumentedOnes()
    {
        Assert.Equal("sdk.headers", BuiltInPlugins.SdkHeaders);
        Assert.Equal("sdk.request-id", BuiltInPlugins.RequestId);
        Assert.Equal("sdk.idempotency", BuiltInPlugins.Idempotency);
        Assert.Equal("sdk.redirects", BuiltInPlugins.Redirects);
        Assert.Equal("sdk.auth", BuiltInPlugins.Authentication);
        Assert.Equal(BuiltInPlugins.SdkHeaders, new SdkHeadersPlugin().Manifest.Id);
        Assert.Equal(BuiltInPlugins.RequestId, new RequestIdPlugin().Manifest.Id);
        Assert.Equal(BuiltInPlugins.Idempotency, new IdempotencyPlugin().Manifest.Id);
        Assert.Equal(BuiltInPlugins.Redirects, new RedirectPlugin().Manifest.Id);
    }
}
