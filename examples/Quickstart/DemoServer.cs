using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Quickstart;

/// <summary>
/// The demo API, in process on Kestrel at http://127.0.0.1 on a free port, with logging off, so the Quickstart runs
/// without network access or an account. It checks the bearer key, stamps every response with an <c>x-request-id</c> and
/// serves the endpoints of <see cref="DemoEndpoints"/> under <c>/v1/</c>.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    /// <summary>The key the demo server accepts. Not a secret; a real key is never printed.</summary>
    public const string ApiKey = "sk-demo-key";

    private readonly WebApplication _app;

    private DemoServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The API's base address, for example <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public Uri BaseAddress { get; }

    public static async Task<DemoServer> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();

        int requests = 0;
        app.Use(async (context, next) =>
        {
            context.Response.Headers["x-request-id"] = $"req_{Interlocked.Increment(ref requests):D4}";
            if (context.Request.Headers.Authorization != $"Bearer {ApiKey}")
            {
                await DemoEndpoints.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "invalid_api_key", "Missing or wrong API key.");
                return;
            }

            await next(context);
        });
        app.UseWebSockets();
        DemoEndpoints.Map(app.MapGroup("/v1"));

        await app.StartAsync(cancellationToken);
        return new DemoServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/v1/"));
    }

    /// <summary>Stops the server, giving open requests a moment to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
