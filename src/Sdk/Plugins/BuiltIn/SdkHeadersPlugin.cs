using System.Reflection;
using System.Runtime.InteropServices;

namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// Sends the <c>User-Agent</c> (<see cref="ClientOptions.UserAgent"/>, or <see cref="DefaultUserAgent"/>) and any SDK headers
/// of yours (an API version, your product's name) on every request, as fixed headers: no hook runs per call. Id
/// <see cref="BuiltInPlugins.SdkHeaders"/>.
/// </summary>
public sealed class SdkHeadersPlugin : ISdkPlugin
{
    private readonly string _userAgent;
    private readonly KeyValuePair<string, string>[] _headers;

    /// <summary>Creates the plugin.</summary>
    /// <param name="userAgent">The user agent; <see langword="null"/> for <see cref="DefaultUserAgent"/>.</param>
    /// <param name="headers">More headers to send on every request (for example <c>x-api-version</c>).</param>
    /// <exception cref="ArgumentException">A header name is invalid or a value has a line break.</exception>
    public SdkHeadersPlugin(string? userAgent = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        _userAgent = userAgent ?? DefaultUserAgent;
        _headers = headers is null ? [] : [.. headers];
        foreach (KeyValuePair<string, string> header in _headers)
        {
            if (!HeaderNames.IsValid(header.Key) || header.Value is null || HeaderNames.HasLineBreak(header.Value))
            {
                throw new ArgumentException($"The SDK header '{header.Key}' is invalid.", nameof(headers));
            }
        }
    }

    /// <summary><c>Sdk/&lt;version&gt; (.NET &lt;runtime&gt;; &lt;OS&gt;)</c>.</summary>
    public static string DefaultUserAgent { get; } = CreateDefaultUserAgent();

    /// <inheritdoc />
    public PluginManifest Manifest { get; } = BuiltInPlugins.Manifest(BuiltInPlugins.SdkHeaders, PluginCriticality.Required);

    /// <inheritdoc />
    public void Register(PluginHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        hooks.AddHeader("User-Agent", _userAgent);
        foreach (KeyValuePair<string, string> header in _headers)
        {
            hooks.AddHeader(header.Key, header.Value);
        }
    }

    private static string CreateDefaultUserAgent()
    {
        string version = typeof(SdkHeadersPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }

        string os = OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsLinux() ? "Linux" : "other";
        return $"Sdk/{version} (.NET {Environment.Version}; {os}; {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()})";
    }
}
