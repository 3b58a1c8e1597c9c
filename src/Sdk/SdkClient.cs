using Polly;
using Sdk.Plugins;
using Sdk.Transport;

namespace Sdk;

/// <summary>
/// The client: <see cref="SendAsync{T}"/> for unary JSON calls, <see cref="StreamAsync{T}"/> for SSE, NDJSON and JSON-array
/// streams, <see cref="ListAsync{T}"/> for auto-paginated lists. Create it with <see cref="CreateBuilder"/>; it is immutable
/// and safe to share across threads. Dispose it to close its connections.
/// </summary>
public sealed partial class SdkClient : IAsyncDisposable, IDisposable
{
    private readonly ClientOptions _options;
    private readonly SdkTransport _transport;
    private readonly bool _disposeTransport;
    private readonly RequestFactory _requests;
    private readonly EndpointSet _endpoints;
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    internal SdkClient(ClientOptions options, SdkTransport transport, bool disposeTransport, IReadOnlyList<ISdkPlugin>? plugins = null)
    {
        _options = options;
        var secrets = new SecretRedactor();
        if (options.Credential?.Secret is { } secret)
        {
            secrets.Add(secret); // even if the authentication plugin is replaced or removed
        }

        Plugins = new PluginRegistry(options.Plugins, options.TimeProvider, secrets);
        if (plugins is { Count: > 0 })
        {
            Plugins.Initialize(plugins);
        }

        _transport = transport;
        _disposeTransport = disposeTransport;
        _endpoints = new EndpointSet(options);
        _requests = new RequestFactory(options, _endpoints, secrets);
        _retry = RetryPolicy.Build(options, _endpoints);
        RequestIdHeaders = [.. options.RequestIdHeaders];
    }

    /// <summary>The client's plugins: look one up, watch their lifecycle events, add, remove or replace them at run time.</summary>
    public PluginRegistry Plugins { get; }

    /// <summary>The base address every request path is relative to.</summary>
    public Uri BaseAddress => _requests.BaseAddress;

    internal ClientOptions Options => _options;

    internal EndpointSet Endpoints => _endpoints;

    /// <summary>A snapshot of every endpoint's health (the base address first, then the fallbacks): circuit state, recent failure ratio, last error.</summary>
    /// <returns>One entry per endpoint.</returns>
    public IReadOnlyList<EndpointHealth> GetEndpointHealth() => [.. _endpoints.All.Select(static e => e.Snapshot())];

    /// <summary>
    /// The circuit state changes of the client's endpoints, as they happen, until <paramref name="cancellationToken"/> fires
    /// or the client is disposed. A subscriber that falls behind by more than 256 events loses the oldest.
    /// </summary>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events.</returns>
    public IAsyncEnumerable<EndpointEvent> WatchEndpointsAsync(CancellationToken cancellationToken = default) => _endpoints.Events.SubscribeAsync(cancellationToken);

    internal string[] RequestIdHeaders { get; }

    internal TimeProvider Time => _options.TimeProvider;

    internal RequestFactory Requests => _requests;

    /// <summary>Starts building a client.</summary>
    /// <param name="options">The options; the client keeps a copy, validated by <see cref="SdkClientBuilder.Build"/>.</param>
    /// <returns>The builder.</returns>
    public static SdkClientBuilder CreateBuilder(ClientOptions options) => new(options);

    /// <summary>Builds a client with the default transport; the same as <c>CreateBuilder(options).Build()</c>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static SdkClient Create(ClientOptions options) => CreateBuilder(options).Build();

    /// <summary>
    /// Closes the client's connections. Calls and streams in flight end at once with <see cref="ObjectDisposedException"/>;
    /// items a stream already delivered stay delivered.
    /// </summary>
    /// <returns>A task that completes when resources are released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _lifetime.Cancel();
            _endpoints.Events.Complete();
            await Plugins.StopAllAsync().ConfigureAwait(false);
            if (_disposeTransport)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Closes the client's connections synchronously, for containers and callers that cannot await; prefer
    /// <see cref="DisposeAsync"/>. The shipped transports release their resources without blocking.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _lifetime.Cancel();
            _endpoints.Events.Complete();
            ValueTask stopped = Plugins.StopAllAsync();
            if (!stopped.IsCompletedSuccessfully)
            {
                stopped.AsTask().GetAwaiter().GetResult();
            }

            if (_disposeTransport)
            {
                ValueTask pending = _transport.DisposeAsync();
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }
            }
        }
    }

    /// <summary>The limits and cancellation of one call: its total timeout, the caller's tokens and the client's lifetime.</summary>
    internal CallScope CreateScope(TimeSpan total, CancellationToken caller1, CancellationToken caller2 = default) =>
        new(Time, total, _lifetime.Token, caller1, caller2);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
