using Quickstart.Steps;
using Sdk;

namespace Quickstart;

/// <summary>Streams one chat completion from a real OpenAI-compatible endpoint and prints its tokens.</summary>
internal static class LiveChat
{
    public static async Task<int> RunAsync(Uri baseUrl, string apiKey, string model, string prompt, CancellationToken cancellationToken)
    {
        await using SdkClient client = SdkClient.Create(new ClientOptions
        {
            BaseAddress = baseUrl,
            Credential = ApiCredential.Bearer(apiKey),
        });

        // The base address is printed, never the key (the SDK keeps it out of every message too).
        Console.WriteLine($"Streaming {model} from {client.BaseAddress}");
        long started = TimeProvider.System.GetTimestamp();
        ChatResult result = await ChatStep.PrintTokensAsync(client, model, prompt, cancellationToken);
        TimeSpan elapsed = TimeProvider.System.GetElapsedTime(started);
        Console.WriteLine($"{result.Tokens} tokens in {elapsed.TotalSeconds:0.00} s, request id {result.RequestId ?? "(none)"}");
        return 0;
    }
}
