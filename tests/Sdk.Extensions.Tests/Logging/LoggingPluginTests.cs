using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sdk.Extensions.Logging;
using Sdk.Extensions.Tests.Infrastructure;

namespace Sdk.Extensions.Tests.Logging;

/// <summary>What the logging plugin writes at each level, and how it is registered.</summary>
[Collection(LoggingCollection.Name)]
public sealed class LoggingPluginTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("x-api-key", true)]
    [InlineData("X-Goog-Api-Key", true)]
    [InlineData("x-session-token", true)]
    [InlineData("client-secret", true)]
    [InlineData("Accept", false)]
    [InlineData("User-Agent", false)]
    [InlineData("X-Client-Request-Id", false)]
    public void IsMasked_CredentialBearingHeaders(string name, bool masked) => Assert.Equal(masked, LoggingPlugin.IsMasked(name));

    [Fact]
    public async Task Calls_AreLoggedPerAttemptAndResponse_AtTheirLevels()
    {
        await using TestServer server = await TestServer.StartAsync(MapApi);
        using var output = new CapturedOutput();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddLogging(output.LoggerFactory)
            .Build();

        await client.SendAsync(ApiRequest.Get("items/1"), TestJson.Default.Item).WaitAsync(Bound);
        await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("missing"), TestJson.Default.Item).WaitAsync(Bound));

        string[] lines = [.. output.Texts.Where(t => t.StartsWith("Debug", StringComparison.Ordinal) || t.StartsWith("Information", StringComparison.Ordinal) || t.StartsWith("Warning", StringComparison.Ordinal))];
        Assert.Equal(
            [
                "Debug Sdk[Sending] Sending GET items/1 (attempt 1) to " + server.BaseAddress.GetLeftPart(UriPartial.Authority),
                "Information Sdk[Answered] GET items/1 answered 200 (attempt 1)",
                "Debug Sdk[Sending] Sending GET missing (attempt 1) to " + server.BaseAddress.GetLeftPart(UriPartial.Authority),
                "Information Sdk[Answered] GET missing answered 404 (attempt 1)",
                "Warning Sdk[Failed] GET missing failed",
            ],
            lines.Select(l => l.Contains(" after ", StringComparison.Ordinal) ? l[..l.IndexOf(" after ", StringComparison.Ordinal)] : l));
        Assert.Contains(output.Texts, t => t == "Trace Sdk[RequestHeader] Request header Accept: application/json");
    }

    [Fact]
    public async Task StreamEvents_AreLoggedAtTraceWithTheirSizesOnly()
    {
        await using TestServer server = await TestServer.StartAsync(MapApi);
        using var output = new CapturedOutput();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddLogging(output.LoggerFactory)
            .Build();

        var items = new List<Item>();
        await foreach (Item item in client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item).WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            items.Add(item);
        }

        Assert.Equal(2, items.Count);
        string[] events = [.. output.Texts.Where(t => t.StartsWith("Trace Sdk[StreamEvent]", StringComparison.Ordinal))];
        Assert.Equal(["Trace Sdk[StreamEvent] GET feed event 0: type message, id 7, 29 bytes", "Trace Sdk[StreamEvent] GET feed event 1: type message, id 8, 29 bytes"], events);
        Assert.DoesNotContain(output.Texts, t => t.Contains("payload-one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutTrace_NoStreamEventHookIsRegistered()
    {
        await using TestServer server = await TestServer.StartAsync(MapApi);
        using var metrics = new CapturedOutput(); // for the plugin invocation counter
        using ILoggerFactory factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information));
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddLogging(factory)
            .Build();

        var items = new List<Item>();
        await foreach (Item item in client.StreamAsync(ApiRequest.Get("feed"), TestJson.Default.Item).WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            items.Add(item);
        }

        // The attempt and response hooks ran; no hook ran for the two events.
        Assert.Equal(2, items.Count);
        Assert.Equal(2, metrics.Texts.Count(t => t == "metric sdk.plugin.invocations plugin=" + LoggingPlugin.Id));
    }

    [Fact]
    public async Task AddSdkClient_WithALoggerFactoryInTheContainer_AddsTheLoggingPlugin_UnlessRemoved()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSdkClient(options => options.BaseAddress = new Uri("http://127.0.0.1:1/"));
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            Assert.True(provider.GetRequiredService<SdkClient>().Plugins.TryGet(LoggingPlugin.Id, out _));
        }

        var without = new ServiceCollection();
        without.AddLogging();
        without.AddSdkClient(options => options.BaseAddress = new Uri("http://127.0.0.1:1/"), builder => builder.RemovePlugin(LoggingPlugin.Id));
        await using ServiceProvider other = without.BuildServiceProvider();
        Assert.False(other.GetRequiredService<SdkClient>().Plugins.TryGet(LoggingPlugin.Id, out _));
    }

    private static void MapApi(WebApplication app)
    {
        app.MapGet("/v1/items/{id:int}", (int id) => Results.Json(new Item(id, "one"), TestJson.Default.Item));
        app.MapGet("/v1/feed", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("id: 7\ndata: {\"id\":1,\"text\":\"payload-one\"}\n\nid: 8\ndata: {\"id\":2,\"text\":\"payload-two\"}\n\n");
        });
    }
}
