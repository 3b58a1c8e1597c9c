using System.Net;
using Sdk;

namespace Quickstart.Steps;

/// <summary>A call that fails with 404: the error arrives as an <see cref="ApiException"/> with the parsed error body.</summary>
internal static class ErrorStep
{
    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("5. An API error: GET customers/cus_9999");
        try
        {
            await client.SendAsync(ApiRequest.Get("customers/cus_9999"), QuickstartJson.Default.Customer, cancellationToken);
            throw new InvalidOperationException("The demo server should have answered 404.");
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // ClientOptions.ErrorType is ErrorEnvelope, so the body is already parsed; RawBody keeps the text.
            string type = ex.Error is ErrorEnvelope envelope ? envelope.Error.Type : "unknown";
            Console.WriteLine($"   ApiException {(int)ex.StatusCode} {type}, request id {ex.RequestId}");
            Console.WriteLine($"   {ex.Message}");
            summary.Add("API error", "404 handled", ex.RequestId);
        }
    }
}
