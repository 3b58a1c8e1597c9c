namespace Sdk.Plugins;

/// <summary>
/// The set of plugins is invalid: a duplicate id, a missing dependency, a dependency whose registered version is outside
/// the range asked for, or a cycle in the ordering constraints. Thrown by <see cref="SdkClientBuilder.Build"/> and when
/// plugins are changed at run time. One exception reports every problem, one per line of the message.
/// </summary>
public sealed class PluginConfigurationException : InvalidOperationException
{
    private readonly string[] _pluginIds;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Every problem, each naming the plugins involved.</param>
    /// <param name="pluginIds">Every plugin id involved in any problem, distinct, in first-mention order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pluginIds"/> is <see langword="null"/>.</exception>
    public PluginConfigurationException(string message, IReadOnlyList<string> pluginIds)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(pluginIds);
        _pluginIds = [.. pluginIds];
    }

    /// <summary>
    /// Every plugin id involved in any problem, distinct, in first-mention order; a dependency that is not registered is
    /// included under the id asked for.
    /// </summary>
    public IReadOnlyList<string> PluginIds => _pluginIds;
}
