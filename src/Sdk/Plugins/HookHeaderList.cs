using System.Net.Http.Headers;

namespace Sdk.Plugins;

/// <summary>The header changes of a call's <see cref="HookScope.Call"/> hooks, applied in order to each attempt's message.</summary>
/// <remarks>
/// A mutable struct held in a field of <see cref="CallAttempts"/> (never copied): the first two changes (a request id, an
/// idempotency key: the common case) cost no allocation.
/// </remarks>
internal struct HookHeaderList
{
    private KeyValuePair<string, string?> _first;
    private KeyValuePair<string, string?> _second;
    private List<KeyValuePair<string, string?>>? _more;
    private int _count;

    public void Add(string name, string? value)
    {
        var change = new KeyValuePair<string, string?>(name, value);
        switch (_count++)
        {
            case 0:
                _first = change;
                break;
            case 1:
                _second = change;
                break;
            default:
                (_more ??= []).Add(change);
                break;
        }
    }

    /// <summary>Applies the changes, in order, to <paramref name="message"/>.</summary>
    public readonly void ApplyTo(HttpRequestMessage message)
    {
        if (_count > 0)
        {
            Apply(message, _first.Key, _first.Value);
        }

        if (_count > 1)
        {
            Apply(message, _second.Key, _second.Value);
        }

        if (_more is not null)
        {
            foreach (KeyValuePair<string, string?> change in _more)
            {
                Apply(message, change.Key, change.Value);
            }
        }
    }

    /// <summary>Sets (or, with a <see langword="null"/> value, removes) a header on the message or, for a content header, on its content.</summary>
    public static void Apply(HttpRequestMessage message, string name, string? value)
    {
        HttpHeaders headers = message.Content is { } content && IsContentHeader(name) ? content.Headers : message.Headers;
        headers.Remove(name);
        if (value is not null && !headers.TryAddWithoutValidation(name, value))
        {
            throw new ArgumentException($"'{name}' cannot be set on this request.", nameof(name));
        }
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Expires", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Allow", StringComparison.OrdinalIgnoreCase);
}
