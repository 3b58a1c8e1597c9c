namespace Sdk.Plugins;

/// <summary>A plugin that another one needs: its id and the versions of it that will do.</summary>
public sealed class PluginDependency
{
    /// <summary>Creates a dependency.</summary>
    /// <param name="id">The id of the plugin needed, as <see cref="PluginManifest.Id"/> requires (compared ordinally).</param>
    /// <param name="range">The versions that will do; <see langword="null"/> for any (<see cref="VersionRange.Any"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or has a character other than ASCII letters, digits, '.', '-' and '_'.</exception>
    public PluginDependency(string id, VersionRange? range = null)
    {
        PluginManifest.ValidateId(id, nameof(id));
        Id = id;
        Range = range ?? VersionRange.Any;
    }

    /// <summary>The id of the plugin needed.</summary>
    public string Id { get; }

    /// <summary>The versions of it that will do.</summary>
    public VersionRange Range { get; }

    /// <summary>The dependency as <c>"auth [1.0.0, 2.0.0)"</c>, or the bare id (<c>"auth"</c>) when any version will do.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Range.Minimum is null && Range.Maximum is null
        ? Id
        : Id + " " + Range.ToString();
}
