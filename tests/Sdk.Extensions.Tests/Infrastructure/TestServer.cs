using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sdk.Extensions.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a random port (the pattern of tests/Sdk.Tests/Infrastructure/TestServer.cs, copied
/// so this project does not depend on Sdk.Tests). Counts its open TCP connections. Dispose it to stop it.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _openConnections;
    private TaskCompletionSource _connectionsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The server's base address, ending with a slash (for example <c>http://127.0.0.1:41234/</c>).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>TCP connections open right now.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Starts a server whose endpoints <paramref name="map"/> adds.</summary>
    public static async Task<TestServer> StartAsync(Action<WebApplication> map)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        TestServer? server = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async context =>
            {
                server!.Changed(+1);
                try
                {
                    await next(context);
                }
                finally
                {
                    server!.Changed(-1);
                }
            })));

        WebApplication app = builder.Build();
        server = new TestServer(app);
        map(app);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the open-connection count, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForConnectionsAsync(Func<int, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed = Volatile.Read(ref _connectionsChanged).Task;
            if (condition(OpenConnections))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Open connections stayed at {OpenConnections} for {timeout}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private void Changed(int delta)
    {
        Interlocked.Add(ref _openConnections, delta);
        Interlocked.Exchange(ref _connectionsChanged, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
