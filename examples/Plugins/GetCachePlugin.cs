using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Sdk;
using Sdk.Plugins;

namespace PluginsExample;

/// <summary>
/// Caches successful GET responses for <see cref="TimeToLive"/>: a call hook answers from the cache without sending the
/// request (<see cref="RequestContext.Respond"/>), and a response hook stores each fresh 200 (replacing the response by one
/// whose body can be read again). Times come from the <see cref="TimeProvider"/> given to it.
/// </summary>
public sealed class GetCachePlugin(TimeProvider time, TimeSpan timeToLive) : ISdkPlugin
{
    private const string KeyProperty = "example.cache.key";
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, byte[] Body, string? ContentType)> _entries = new(StringComparer.Ordinal);

    public PluginManifest Manifest { get; } = new("example.get-cache", new SemanticVersion(1, 0, 0));

    public TimeSpan TimeToLive { get; } = timeToLive;

    private int _hits;
    private int _misses;

    /// <summary>Calls answered from the cache.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>GET calls the cache could not answer.</summary>
    public int Misses => Volatile.Read(ref _misses);

    public void Register(PluginHooks hooks) => hooks
        .OnRequest(AnswerFromCache)
        .OnResponse(StoreAsync);

    private ValueTask AnswerFromCache(RequestContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Method != HttpMethod.Get)
        {
            return ValueTask.CompletedTask;
        }

        string key = KeyOf(context.Request);
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow())
        {
            Interlocked.Increment(ref _hits);
            context.Respond(Build(entry.Body, entry.ContentType));
            return ValueTask.CompletedTask;
        }

        Interlocked.Increment(ref _misses);
        context.Properties.Set(KeyProperty, key);
        return ValueTask.CompletedTask;
    }

    private async ValueTask StoreAsync(ResponseContext context, CancellationToken cancellationToken)
    {
        if (context.Response.StatusCode != HttpStatusCode.OK || !context.Properties.TryGet(KeyProperty, out string? key) || key is null)
        {
            return;
        }

        byte[] body = await context.Response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        string? contentType = context.Response.Content.Headers.ContentType?.ToString();
        _entries[key] = (time.GetUtcNow() + TimeToLive, body, contentType);
        context.Replace(Build(body, contentType)); // the original body has been read
    }

    private static string KeyOf(ApiRequest request) =>
        request.Path + "?" + string.Join('&', request.Query.Select(static q => q.Key + "=" + q.Value));

    private static HttpResponseMessage Build(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
