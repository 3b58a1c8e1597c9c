using System.Net.Http.Headers;

namespace Sdk.Plugins;

/// <summary>The header changes of a call's <see cref="HookScope.Call"/> hooks, applied in order to each attempt's message.</summary>
internal sealed class HookHeaderList
{
    private readonly List<KeyValuePair<string, string?>> _changes = [];

    public void Add(string name, string? value) => _changes.Add(new(name, value));

    public void ApplyTo(HttpRequestMessage message)
    {
        foreach (KeyValuePair<string, string?> change in _changes)
        {
            Apply(message, change.Key, change.Value);
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
