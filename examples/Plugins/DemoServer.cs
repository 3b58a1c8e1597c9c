using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PluginsExample;

/// <summary>The demo API, in process on Kestrel at 127.0.0.1 on a free port: a customer, a customer-event feed and a text stream.</summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _customerRequests;

    private DemoServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>How many times the customer endpoint was really called (the cache should keep this low).</summary>
    public int CustomerRequests => Volatile.Read(ref _customerRequests);

    public static async Task<DemoServer> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new DemoServer(app);

        app.MapGet("/v1/customers/{id}", (string id) =>
        {
            Interlocked.Increment(ref server._customerRequests);
            return Results.Json(new Customer(id, "Ada Lovelace", "ada@example.com"), ExampleJson.Default.Customer);
        });
        app.MapGet("/v1/customer-events", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            string[] emails = ["ada@example.com", "grace@example.org", "alan@example.net"];
            for (int i = 0; i < emails.Length; i++)
            {
                await context.Response.WriteAsync($"id: {i + 1}\ndata: {{\"id\":\"evt_{i + 1}\",\"type\":\"customer.updated\",\"email\":\"{emails[i]}\"}}\n\n");
            }
        });
        app.MapGet("/v1/stream", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (string text in new[] { "Plugins see", " every event", " before your code", " does." })
            {
                await context.Response.WriteAsync($"data: {{\"text\":\"{text}\"}}\n\n");
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
        });

        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
