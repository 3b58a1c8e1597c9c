using System.Net.Sockets;

namespace Sdk.Tests.Infrastructure;

/// <summary>Builds clients for streaming tests against a <see cref="TestServer"/>.</summary>
public static class StreamTestClient
{
    /// <summary>A client whose base address is the server's, with the options <paramref name="configure"/> sets.</summary>
    public static SdkClient Create(TestServer server, Action<ClientOptions>? configure = null, bool oneByteReads = false)
    {
        var options = new ClientOptions { BaseAddress = server.BaseAddress };
        configure?.Invoke(options);
        SdkClientBuilder builder = SdkClient.CreateBuilder(options);
        if (oneByteReads)
        {
            builder.ConfigureHttpHandler(static handler => handler.ConnectCallback = ConnectOneByteAsync);
        }

        return builder.Build();
    }

    /// <summary>
    /// A client over a time provider the test moves by hand, making a single attempt: these tests are about one attempt's
    /// timeouts (retries and resumes have their own tests, which move the clock through the back-off).
    /// </summary>
    public static SdkClient Create(TestServer server, ManualTimeProvider time, Action<TimeoutOptions>? timeouts = null) =>
        Create(server, options =>
        {
            options.TimeProvider = time;
            options.Retry.MaxRetries = 0;
            options.Resume.Enabled = false;
            timeouts?.Invoke(options.Timeouts);
        });

    /// <summary>Connects, then hands the client a stream that returns at most one byte per read, whatever the server sent.</summary>
    private static async ValueTask<Stream> ConnectOneByteAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new StreamOneByteReadStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
