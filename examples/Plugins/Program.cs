using PluginsExample;
using Sdk;

// Three plugins an application would write, on a client against an embedded demo server:
// one redacts e-mail addresses in stream events, one caches GET responses, one meters the tokens of each stream.
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
CancellationToken cancellationToken = timeout.Token;
await using DemoServer server = await DemoServer.StartAsync(cancellationToken);

var cache = new GetCachePlugin(TimeProvider.System, TimeSpan.FromMinutes(1));
using var meter = new TokenMeterPlugin();
await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = server.BaseAddress })
    .AddPlugin(new RedactEmailsPlugin())
    .AddPlugin(cache)
    .AddPlugin(meter)
    .Build();

Console.WriteLine("Plugins, in run order: " + string.Join(", ", client.Plugins.Manifests.Select(m => $"{m.Id} {m.Version}")));

Console.WriteLine("1. A GET three times: the cache answers the second and third");
for (int i = 0; i < 3; i++)
{
    ApiResponse<Customer> customer = await client.SendAsync(ApiRequest.Get("customers/cus_1"), ExampleJson.Default.Customer, cancellationToken);
    Console.WriteLine($"   {customer.Value.Name}");
}

Console.WriteLine($"   server calls: {server.CustomerRequests}, cache hits: {cache.Hits}, misses: {cache.Misses}");

Console.WriteLine("2. A customer-event stream: e-mail addresses are masked before the loop sees them");
await foreach (CustomerEvent e in client.StreamAsync(ApiRequest.Get("customer-events"), ExampleJson.Default.CustomerEvent, cancellationToken: cancellationToken))
{
    Console.WriteLine($"   {e.Id} {e.Type} {e.Email}");
}

Console.WriteLine("3. A text stream: tokens metered per stream");
Console.Write("   ");
await foreach (Chunk chunk in client.StreamAsync(ApiRequest.Get("stream"), ExampleJson.Default.Chunk, cancellationToken: cancellationToken))
{
    Console.Write(chunk.Text);
}

Console.WriteLine();
Console.WriteLine($"   streams metered: {meter.Streams}, tokens: {meter.TotalTokens}");

bool ok = server.CustomerRequests == 1 && cache.Hits == 2 && meter.TotalTokens == 8;
Console.WriteLine(ok ? "Done." : "Unexpected results.");
return ok ? 0 : 1;
