namespace Sdk.Plugins;

/// <summary>
/// Who a plugin is, what it needs and where it runs among the others. When a client is built (or its plugins change),
/// plugins are ordered so that each runs after its <see cref="DependsOn"/> and <see cref="After"/> plugins and before its
/// <see cref="Before"/> plugins; among plugins free to go, the lower <see cref="Order"/> runs first, then the one
/// registered first.
/// </summary>
public sealed class PluginManifest
{
    /// <summary>Creates a manifest.</summary>
    /// <param name="id">
    /// The plugin's id, unique in a client: non-empty, ASCII letters, digits, '.', '-' and '_' only. Ids are compared
    /// ordinally (case matters).
    /// </param>
    /// <param name="version">The plugin's version.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or has another character.</exception>
    public PluginManifest(string id, SemanticVersion version)
    {
        ValidateId(id, nameof(id));
        Id = id;
        Version = version;
    }

    /// <summary>The plugin's id, unique in a client.</summary>
    public string Id { get; }

    /// <summary>The plugin's version.</summary>
    public SemanticVersion Version { get; }

    /// <summary>
    /// The plugins this one needs, each with the versions that will do. They must be registered (or the client does not
    /// build) and run before this one.
    /// </summary>
    /// <value>None.</value>
    /// <exception cref="ArgumentNullException">The list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The list holds <see langword="null"/>.</exception>
    public IReadOnlyList<PluginDependency> DependsOn
    {
        get;
        init => field = CopyOf(value, nameof(DependsOn));
    } = [];

    /// <summary>The ids of plugins this one must run before. An id that is not registered is ignored.</summary>
    /// <value>None.</value>
    /// <exception cref="ArgumentNullException">The list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The list holds <see langword="null"/>.</exception>
    public IReadOnlyList<string> Before
    {
        get;
        init => field = CopyOf(value, nameof(Before));
    } = [];

    /// <summary>The ids of plugins this one must run after. An id that is not registered is ignored.</summary>
    /// <value>None.</value>
    /// <exception cref="ArgumentNullException">The list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The list holds <see langword="null"/>.</exception>
    public IReadOnlyList<string> After
    {
        get;
        init => field = CopyOf(value, nameof(After));
    } = [];

    /// <summary>The tie-break among plugins whose constraints let them go: the lower runs first (then the one registered first).</summary>
    /// <value>0.</value>
    public int Order { get; init; }

    /// <summary>Whether the plugin's failure fails the call (<see cref="PluginCriticality.Required"/>) or is contained.</summary>
    /// <value><see cref="PluginCriticality.Optional"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public PluginCriticality Criticality
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Criticality), value, "Not a defined criticality.");
    } = PluginCriticality.Optional;

    /// <summary>When the plugin starts: when the client is built (<see cref="PluginLoad.Eager"/>) or before its first hook.</summary>
    /// <value><see cref="PluginLoad.Eager"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public PluginLoad Load
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Load), value, "Not a defined load mode.");
    } = PluginLoad.Eager;

    /// <summary>
    /// How long each of the plugin's hooks may run before it counts as failed, or <see langword="null"/> for the client's
    /// default. <see cref="Timeout.InfiniteTimeSpan"/> means no limit.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan? HookTimeout
    {
        get;
        init => field = value is not { } timeout || timeout > TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HookTimeout), value, "A hook timeout must be positive, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>The plugin as <c>"id 1.2.3"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Id + " " + Version.ToString();

    /// <summary>Throws unless <paramref name="id"/> is a valid plugin id.</summary>
    internal static void ValidateId(string id, string paramName)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (id.Length == 0)
        {
            throw new ArgumentException("A plugin id must not be empty.", paramName);
        }

        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                throw new ArgumentException($"'{id}' is not a valid plugin id: use ASCII letters, digits, '.', '-' and '_' only.", paramName);
            }
        }
    }

    private static T[] CopyOf<T>(IReadOnlyList<T> value, string paramName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        var copy = new T[value.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = value[i] ?? throw new ArgumentException($"{paramName} must not hold null.", paramName);
        }

        return copy;
    }
}
