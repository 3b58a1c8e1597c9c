namespace Sdk.Plugins;

/// <summary>
/// Values a call's hooks share: set in one hook (a start time, a cache key), read in a later one of the same call, from any
/// plugin. Created on first use; not thread-safe, like the call itself.
/// </summary>
public sealed class HookProperties
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    internal HookProperties()
    {
    }

    /// <summary>How many values are set.</summary>
    public int Count => _values.Count;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, replacing any earlier value.</summary>
    /// <param name="key">The key; prefix it with your plugin's id to avoid clashes.</param>
    /// <param name="value">The value.</param>
    public void Set(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _values[key] = value;
    }

    /// <summary>Reads the value of <paramref name="key"/> when it is set and is a <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or the default.</param>
    /// <returns>Whether the key was set to a <typeparamref name="T"/>.</returns>
    public bool TryGet<T>(string key, out T? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_values.TryGetValue(key, out object? found) && found is T typed)
        {
            value = typed;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Removes <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it was set.</returns>
    public bool Remove(string key) => _values.Remove(key);
}
