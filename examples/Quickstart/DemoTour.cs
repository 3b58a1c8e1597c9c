using Quickstart.Steps;
using Sdk;

namespace Quickstart;

/// <summary>The offline demo: starts the in-process <see cref="DemoServer"/>, runs each step against it, prints a summary.</summary>
internal static class DemoTour
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using DemoServer server = await DemoServer.StartAsync(cancellationToken);
        Console.WriteLine($"Demo server listening on {server.BaseAddress}");
        Console.WriteLine();

        long started = TimeProvider.System.GetTimestamp();
        var summary = new DemoSummary();
        await using (SdkClient client = CreateClient(server.BaseAddress))
        {
            await ChatStep.RunAsync(client, summary, cancellationToken);
            await FeedStep.RunAsync(client, summary, cancellationToken);
            await ListStep.RunAsync(client, summary, cancellationToken);
            await UnaryStep.RunAsync(client, summary, cancellationToken);
            await ErrorStep.RunAsync(client, summary, cancellationToken);
            await WebSocketStep.RunAsync(client, summary, cancellationToken);
        }

        summary.Print(TimeProvider.System.GetElapsedTime(started));
        return 0;
    }

    private static SdkClient CreateClient(Uri baseAddress) => SdkClient.Create(new ClientOptions
    {
        BaseAddress = baseAddress,
        Credential = ApiCredential.Bearer(DemoServer.ApiKey),
        ErrorType = QuickstartJson.Default.ErrorEnvelope,
        Timeouts = { Attempt = TimeSpan.FromSeconds(10), Total = TimeSpan.FromSeconds(30) },
    });
}
