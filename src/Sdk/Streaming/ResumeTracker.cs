namespace Sdk;

/// <summary>
/// Remembers the ids (SSE ids, or keys from a <see cref="StreamResumeStrategy{T}"/>) of the last events processed, in a ring:
/// one array write per event. After a reconnect, <see cref="Snapshot"/> lets the new connection drop events the server
/// sends again, until the first new one.
/// </summary>
internal sealed class ResumeTracker
{
    private readonly string?[] _ring;
    private int _next;

    public ResumeTracker(int capacity)
    {
        _ring = new string?[capacity];
    }

    /// <summary>The id of the last event processed, for <c>Last-Event-ID</c>.</summary>
    public string? Last { get; private set; }

    public void Record(string id)
    {
        _ring[_next] = id;
        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        Last = id;
    }

    /// <summary>The remembered ids, or <see langword="null"/> when there are none.</summary>
    public HashSet<string>? Snapshot()
    {
        if (Last is null)
        {
            return null;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? id in _ring)
        {
            if (id is not null)
            {
                set.Add(id);
            }
        }

        return set;
    }
}
