using Sdk;

namespace Quickstart.Steps;

/// <summary>Walks a Stripe-style cursor-paginated list (<c>data</c>, <c>has_more</c>, <c>starting_after</c>) page by page.</summary>
internal static class ListStep
{
    public static async Task RunAsync(SdkClient client, DemoSummary summary, CancellationToken cancellationToken)
    {
        Console.WriteLine("3. Paginated list: GET customers?limit=3");
        ApiRequest firstPage = ApiRequest.Get("customers").WithQuery("limit", "3");
        int pages = 0;
        int customers = 0;
        var requestIds = new List<string?>();
        await foreach (Page<Customer> page in client.ListPagesAsync(firstPage, Paginators.Cursor(), QuickstartJson.Default.Customer, cancellationToken))
        {
            pages++;
            customers += page.Items.Count;
            requestIds.Add(page.RequestId);
            Console.WriteLine($"   page {pages} ({page.RequestId}): {string.Join(", ", page.Items.Select(c => c.Name))}");
        }

        summary.Add("list (cursor)", $"{customers} customers in {pages} pages", [.. requestIds]);
    }
}
