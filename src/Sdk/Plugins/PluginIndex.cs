namespace Sdk.Plugins;

/// <summary>
/// Plugins by id: an open-addressing table with an FNV-1a hash of the id, built once per snapshot. Ids come from the
/// application's own code (never from the network), so a non-randomized hash is safe here, and it makes a lookup a few
/// multiplications and one string comparison: faster than a general-purpose dictionary for these short keys.
/// </summary>
internal sealed class PluginIndex
{
    private readonly string?[] _keys;
    private readonly ISdkPlugin[] _values;
    private readonly int _mask;

    public PluginIndex(IReadOnlyList<PluginGuard> plugins)
    {
        int size = 4;
        while (size < plugins.Count * 2)
        {
            size *= 2;
        }

        _keys = new string?[size];
        _values = new ISdkPlugin[size];
        _mask = size - 1;
        foreach (PluginGuard plugin in plugins)
        {
            int slot = Hash(plugin.Id) & _mask;
            while (_keys[slot] is not null)
            {
                slot = (slot + 1) & _mask;
            }

            _keys[slot] = plugin.Id;
            _values[slot] = plugin.Plugin;
        }
    }

    public bool TryGet(string id, out ISdkPlugin? plugin)
    {
        string?[] keys = _keys;
        int slot = Hash(id) & _mask;
        while (keys[slot] is { } key)
        {
            if (string.Equals(key, id, StringComparison.Ordinal))
            {
                plugin = _values[slot];
                return true;
            }

            slot = (slot + 1) & _mask;
        }

        plugin = null;
        return false;
    }

    private static int Hash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash ^ (hash >> 15));
    }
}
