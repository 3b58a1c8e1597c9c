using Quickstart;
using Sdk;

// dotnet run --project examples/Quickstart                        the offline demo (an in-process server)
// dotnet run --project examples/Quickstart -- --base-url <url>    a real OpenAI-compatible endpoint (key from OPENAI_API_KEY)
if (!QuickstartSettings.TryParse(args, Environment.GetEnvironmentVariable, out QuickstartSettings? settings, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(QuickstartSettings.Usage);
    return 2;
}

if (settings.ShowHelp)
{
    Console.WriteLine(QuickstartSettings.Usage);
    return 0;
}

if (settings.Notice is not null)
{
    Console.Error.WriteLine(settings.Notice);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return settings.IsLive
        ? await LiveChat.RunAsync(settings.BaseUrl, settings.ApiKey, settings.Model, settings.Prompt, cancel.Token)
        : await DemoTour.RunAsync(cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Canceled.");
    return 130;
}
catch (ArgumentException ex) when (settings.IsLive)
{
    // ClientOptions validation (for example a base URL with a query): every problem in one message.
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (SdkException ex)
{
    // SDK messages name the request and the server's error, never the credential.
    Console.Error.WriteLine();
    Console.Error.WriteLine($"{ex.GetType().Name}: {ex.Message}");
    return 1;
}
catch (Exception ex)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine(ex);
    return 1;
}
