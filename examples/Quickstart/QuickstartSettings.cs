using System.Diagnostics.CodeAnalysis;

namespace Quickstart;

/// <summary>
/// What to run, from the command line and the environment. With a base URL and an API key the Quickstart streams from a real
/// OpenAI-compatible endpoint; otherwise it runs the offline demo.
/// </summary>
internal sealed record QuickstartSettings(Uri? BaseUrl, string? ApiKey, string Model, string Prompt, bool ShowHelp, string? Notice)
{
    public const string DefaultModel = "gpt-4o-mini";
    public const string DefaultPrompt = "In one sentence, why do chat APIs stream their answers?";

    public const string Usage = """
        Usage: dotnet run --project examples/Quickstart [-- options]

          (no options)         run the offline demo against an in-process server
          --base-url <url>     an OpenAI-compatible API, e.g. https://api.openai.com/v1   (or OPENAI_BASE_URL)
          --api-key <key>      its API key; prefer the environment variable             (or OPENAI_API_KEY)
          --model <name>       the model, default gpt-4o-mini                            (or OPENAI_MODEL)
          --prompt <text>      what to ask
          -h, --help           show this text
        """;

    [MemberNotNullWhen(true, nameof(BaseUrl), nameof(ApiKey))]
    public bool IsLive => BaseUrl is not null && ApiKey is not null;

    public static bool TryParse(string[] args, Func<string, string?> environment, [NotNullWhen(true)] out QuickstartSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                settings = new QuickstartSettings(null, null, DefaultModel, DefaultPrompt, ShowHelp: true, Notice: null);
                error = null;
                return true;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? arg[..equals] : arg;
            if (name is not ("--base-url" or "--api-key" or "--model" or "--prompt"))
            {
                error = $"Unknown option '{name}'.";
                return false;
            }

            if (equals < 0 && i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }

            given[name] = equals > 0 ? arg[(equals + 1)..] : args[++i];
        }

        string? baseUrl = Pick(given, "--base-url", environment, "OPENAI_BASE_URL");
        string? apiKey = Pick(given, "--api-key", environment, "OPENAI_API_KEY");
        string model = Pick(given, "--model", environment, "OPENAI_MODEL") ?? DefaultModel;
        string prompt = given.TryGetValue("--prompt", out string? p) && p.Length > 0 ? p : DefaultPrompt;
        string? notice = null;

        if ((baseUrl is null) != (apiKey is null))
        {
            if (given.ContainsKey("--base-url") || given.ContainsKey("--api-key"))
            {
                error = baseUrl is null
                    ? "--api-key needs a base URL: pass --base-url or set OPENAI_BASE_URL."
                    : "--base-url needs an API key: pass --api-key or set OPENAI_API_KEY.";
                return false;
            }

            notice = $"Only {(baseUrl is null ? "OPENAI_API_KEY" : "OPENAI_BASE_URL")} is set; running the offline demo.";
            (baseUrl, apiKey) = (null, null);
        }

        Uri? uri = null;
        if (baseUrl is not null && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            error = "The base URL must be an absolute http or https URL, for example https://api.openai.com/v1.";
            return false;
        }

        settings = new QuickstartSettings(uri, apiKey, model, prompt, ShowHelp: false, notice);
        error = null;
        return true;
    }

    /// <summary>Never shows the key: records print their members, so this one is written by hand.</summary>
    public override string ToString() => $"QuickstartSettings {{ BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "(none)" : "***")}, Model = {Model} }}";

    private static string? Pick(Dictionary<string, string> given, string option, Func<string, string?> environment, string variable)
    {
        string? value = given.TryGetValue(option, out string? fromArgs) ? fromArgs : environment(variable);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
