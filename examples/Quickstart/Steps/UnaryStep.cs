using Sdk;

namespace Quickstart.Steps;

/// <summary>A unary JSON call: one request, one typed value with its status and request id.</summary>
internal static class UnaryStep
{
    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("4. Unary call: GET customers/cus_0002");
        ApiResponse<Customer> response = await client.SendAsync(ApiRequest.Get("customers/cus_0002"), QuickstartJson.Default.Customer, cancellationToken);
        Customer customer = response.Value;
        Console.WriteLine($"   {(int)response.StatusCode}: {customer.Name} <{customer.Email}>");
        summary.Add("unary", "1 customer", response.RequestId);
    }
}
