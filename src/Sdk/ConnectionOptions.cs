using System.Net;

namespace Sdk;

/// <summary>Settings of the pooled <see cref="System.Net.Http.SocketsHttpHandler"/> the client owns.</summary>
public sealed class ConnectionOptions
{
    /// <summary>How long a pooled connection lives before it is replaced, so DNS changes are picked up.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan PooledConnectionLifetime { get; set; } = ClientDefaults.PooledConnectionLifetime;

    /// <summary>How long an idle pooled connection is kept.</summary>
    /// <value>90 seconds.</value>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = ClientDefaults.PooledConnectionIdleTimeout;

    /// <summary>The most connections open to one server at a time.</summary>
    /// <value><see cref="int.MaxValue"/>.</value>
    public int MaxConnectionsPerServer { get; set; } = ClientDefaults.MaxConnectionsPerServer;

    /// <summary>Whether more HTTP/2 connections are opened when one reaches the server's stream limit.</summary>
    /// <value><see langword="true"/>.</value>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>How often an HTTP/2 connection with active streams is pinged, so long streams through idle proxies stay alive.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan KeepAlivePingDelay { get; set; } = ClientDefaults.KeepAlivePingDelay;

    /// <summary>How long an HTTP/2 ping may go unanswered before the connection is closed.</summary>
    /// <value>20 seconds.</value>
    public TimeSpan KeepAlivePingTimeout { get; set; } = ClientDefaults.KeepAlivePingTimeout;

    /// <summary>
    /// Which response encodings the SDK asks for (<c>Accept-Encoding</c>). A body the server compressed anyway with gzip,
    /// deflate or Brotli is still decoded. The SDK decompresses itself, after the handler, so size limits such as
    /// <see cref="ClientOptions.MaxResponseBytes"/> count decompressed bytes.
    /// </summary>
    /// <value><see cref="DecompressionMethods.All"/>.</value>
    public DecompressionMethods AutomaticDecompression { get; set; } = DecompressionMethods.All;

    /// <summary>The HTTP version requested; <see cref="VersionPolicy"/> says whether another may be negotiated.</summary>
    /// <value>HTTP/1.1 (with <see cref="HttpVersionPolicy.RequestVersionOrHigher"/>, HTTPS endpoints negotiate HTTP/2 through ALPN).</value>
    public Version HttpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>Whether the server may answer with another HTTP version than <see cref="HttpVersion"/>.</summary>
    /// <value><see cref="HttpVersionPolicy.RequestVersionOrHigher"/>.</value>
    public HttpVersionPolicy VersionPolicy { get; set; } = HttpVersionPolicy.RequestVersionOrHigher;

    /// <summary>The proxy to use; <see langword="null"/> uses the system proxy settings.</summary>
    /// <value><see langword="null"/>.</value>
    public IWebProxy? Proxy { get; set; }

    internal ConnectionOptions Clone() => (ConnectionOptions)MemberwiseClone();
}
