using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests;

/// <summary>SdkClientBuilder: one Build(), no changes after it, a private copy of the options, handler configuration.</summary>
public sealed class SdkClientBuilderTests
{
    private static ClientOptions ValidOptions() => new() { BaseAddress = new Uri("https://api.example.com/v1/") };

    [Fact]
    public async Task Build_Twice_ThrowsInvalidOperation()
    {
        SdkClientBuilder builder = SdkClient.CreateBuilder(ValidOptions());
        await using SdkClient client = builder.Build();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("already built", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Builder_ChangesAfterBuild_AreRefused()
    {
        SdkClientBuilder builder = SdkClient.CreateBuilder(ValidOptions());
        await using SdkClient client = builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.UseTransport(new InMemoryTransport()));
        Assert.Throws<InvalidOperationException>(() => builder.ConfigureHttpHandler(_ => { }));
    }

    [Fact]
    public async Task Build_AfterFailedValidation_CanBeRetriedOnceFixed()
    {
        var options = new ClientOptions();
        SdkClientBuilder builder = SdkClient.CreateBuilder(options);
        Assert.Throws<ArgumentException>(builder.Build);

        options.BaseAddress = new Uri("https://api.example.com/");
        await using SdkClient client = builder.Build();

        Assert.Equal(new Uri("https://api.example.com/"), client.BaseAddress);
    }

    [Fact]
    public void Builder_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => SdkClient.CreateBuilder(null!));
        SdkClientBuilder builder = SdkClient.CreateBuilder(ValidOptions());
        Assert.Throws<ArgumentNullException>(() => builder.UseTransport(null!));
        Assert.Throws<ArgumentNullException>(() => builder.ConfigureHttpHandler(null!));
    }

    [Fact]
    public async Task Build_MutatingOptionsAfterBuild_DoesNotAffectClient()
    {
        var log = new CoreRequestLog();
        var otherLog = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", (HttpContext context) =>
            {
                context.Response.Headers["x-request-id"] = "rid";
                context.Response.Headers["x-other-id"] = "other";
                return Results.Json(new Item(1, "a"), TestJson.Default.Item);
            });
        });
        await using TestServer other = await TestServer.StartAsync(app => otherLog.Attach(app));
        var options = new ClientOptions
        {
            BaseAddress = new Uri(server.BaseAddress, "v1/"),
            Credential = ApiCredential.Bearer("original"),
            UserAgent = "original-agent",
        };
        options.DefaultHeaders["X-Tenant"] = "original";
        await using SdkClient client = SdkClient.Create(options);

        options.BaseAddress = new Uri(other.BaseAddress, "v1/");
        options.Credential = ApiCredential.Bearer("changed");
        options.UserAgent = "changed-agent";
        options.DefaultHeaders["X-Tenant"] = "changed";
        options.DefaultHeaders["X-Added"] = "added";
        options.RequestIdHeaders.Clear();
        options.RequestIdHeaders.Add("x-other-id");
        options.Timeouts.Connect = TimeSpan.FromTicks(1);
        options.Timeouts.Attempt = TimeSpan.FromTicks(1);
        options.Timeouts.Total = TimeSpan.FromTicks(1);
        options.MaxResponseBytes = 1;

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(new Item(1, "a"), response.Value);
        Assert.Equal("rid", response.RequestId);
        Assert.Equal(new Uri(server.BaseAddress, "v1/"), client.BaseAddress);
        CoreSeenRequest seen = log.Single;
        Assert.Equal("Bearer original", seen.Header("Authorization"));
        Assert.Equal("original-agent", seen.Header("User-Agent"));
        Assert.Equal("original", seen.Header("X-Tenant"));
        Assert.Null(seen.Header("X-Added"));
        Assert.Empty(otherLog.Requests);
    }

    [Fact]
    public async Task ConfigureHttpHandler_CallbacksRunInOrderOnTheConfiguredHandler()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/items/1", () => Results.Json(new Item(1, "a"), TestJson.Default.Item));
        });
        var seen = new List<string>();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .ConfigureHttpHandler(handler =>
            {
                // The SDK's own settings are applied before the callback runs.
                seen.Add($"first redirect={handler.AllowAutoRedirect} cookies={handler.UseCookies}");
                handler.UseCookies = true;
                handler.CookieContainer.Add(new Uri(server.BaseAddress, "/"), new System.Net.Cookie("session", "from-callback"));
            })
            .ConfigureHttpHandler(handler => seen.Add($"second cookies={handler.UseCookies}"))
            .Build();

        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(["first redirect=False cookies=False", "second cookies=True"], seen);
        Assert.Equal("session=from-callback", log.Single.Header("Cookie"));
    }

    [Fact]
    public async Task ConfigureHttpHandler_WithUseTransport_IsNotCalled()
    {
        bool called = false;
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Json("{\"id\":1,\"text\":\"mem\"}"));
        await using SdkClient client = SdkClient.CreateBuilder(ValidOptions())
            .ConfigureHttpHandler(_ => called = true)
            .UseTransport(transport)
            .Build();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("mem", response.Value.Text);
        Assert.False(called);
    }
}
