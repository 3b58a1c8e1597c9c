using System.Diagnostics.Metrics;
using Sdk.Plugins;

namespace PluginsExample;

/// <summary>
/// Meters the tokens of each stream: every <see cref="Chunk"/> counts its words on the <c>example.stream.tokens</c> counter
/// (tagged with the request path), and the plugin keeps per-stream totals in the call's shared properties.
/// </summary>
public sealed class TokenMeterPlugin : ISdkPlugin, IDisposable
{
    private const string CountProperty = "example.tokens.count";
    private readonly Meter _meter = new("PluginsExample");
    private readonly Counter<long> _tokens;
    private long _total;
    private long _streams;

    public TokenMeterPlugin() => _tokens = _meter.CreateCounter<long>("example.stream.tokens", "{token}", "Tokens received in streams.");

    public PluginManifest Manifest { get; } = new("example.token-meter", new SemanticVersion(1, 0, 0))
    {
        After = ["example.redact-emails"],
    };

    public long TotalTokens => Interlocked.Read(ref _total);

    public long Streams => Interlocked.Read(ref _streams);

    public void Register(PluginHooks hooks) => hooks.OnStreamEvent((context, _) =>
    {
        if (context.Item is Chunk chunk)
        {
            int tokens = chunk.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (!context.Properties.TryGet(CountProperty, out long seen))
            {
                Interlocked.Increment(ref _streams);
            }

            context.Properties.Set(CountProperty, seen + tokens);
            Interlocked.Add(ref _total, tokens);
            _tokens.Add(tokens, new KeyValuePair<string, object?>("path", context.Request.DisplayPathForMetrics()));
        }

        return ValueTask.CompletedTask;
    });

    public void Dispose() => _meter.Dispose();
}

internal static class RequestPathExtensions
{
    /// <summary>The request's path without its query (which could carry identifiers), for a metric tag.</summary>
    public static string DisplayPathForMetrics(this Sdk.ApiRequest request)
    {
        int query = request.Path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? request.Path : request.Path[..query];
    }
}
