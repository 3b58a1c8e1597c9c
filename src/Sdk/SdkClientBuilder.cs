using Sdk.Transport;

namespace Sdk;

/// <summary>
/// Builds an immutable <see cref="SdkClient"/>: options, then optionally a transport or handler settings, then
/// <see cref="Build"/>. The builder refuses changes after <see cref="Build"/>.
/// </summary>
public sealed class SdkClientBuilder
{
    private readonly ClientOptions _options;
    private readonly List<Action<SocketsHttpHandler>> _handlerConfigurations = [];
    private SdkTransport? _transport;
    private bool _disposeTransport;
    private bool _built;

    internal SdkClientBuilder(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Sends through <paramref name="transport"/> instead of the client's own pooled HTTP transport.</summary>
    /// <param name="transport">The transport, for example an <see cref="InMemoryTransport"/> in tests.</param>
    /// <param name="disposeTransport">Whether disposing the client disposes the transport.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder UseTransport(SdkTransport transport, bool disposeTransport = false)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ThrowIfBuilt();
        _transport = transport;
        _disposeTransport = disposeTransport;
        return this;
    }

    /// <summary>
    /// Adjusts the client's <see cref="SocketsHttpHandler"/> after <see cref="ConnectionOptions"/> were applied (certificates,
    /// a custom proxy, socket options). Ignored when a transport is given with <see cref="UseTransport"/>.
    /// </summary>
    /// <param name="configure">The adjustment.</param>
    /// <returns>This builder.</returns>
    public SdkClientBuilder ConfigureHttpHandler(Action<SocketsHttpHandler> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        _handlerConfigurations.Add(configure);
        return this;
    }

    /// <summary>Validates the options (every problem in one message) and builds the client.</summary>
    /// <returns>The client; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public SdkClient Build()
    {
        ThrowIfBuilt();
        ClientOptions options = _options.Clone();
        ClientOptionsValidator.Validate(options);
        _built = true;

        if (_transport is not null)
        {
            return new SdkClient(options, _transport, _disposeTransport);
        }

        return new SdkClient(options, new HttpTransport(new ConnectionManager(options, _handlerConfigurations)), disposeTransport: true);
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder already built its client; create a new builder to build another.");
        }
    }
}
