using Sdk;

namespace Quickstart.Steps;

/// <summary>Consumes an NDJSON feed; the format is chosen from the response's content type.</summary>
internal static class FeedStep
{
    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("2. Event feed (NDJSON): GET events");
        StreamResult<FeedEvent> feed = client.StreamAsync(ApiRequest.Get("events"), QuickstartJson.Default.FeedEvent, cancellationToken: cancellationToken);
        await foreach (FeedEvent feedEvent in feed)
        {
            Console.WriteLine($"   {feedEvent.Id}  {feedEvent.Type,-17} {feedEvent.Customer}");
        }

        Console.WriteLine($"   decoded as {feed.Format} (content type {feed.Headers?.ContentType})");
        summary.Add("event feed (NDJSON)", $"{feed.ItemCount} events", feed.RequestId);
    }
}
