using System.Text;
using System.Text.Json;

namespace Sdk.Plugins;

/// <summary>
/// The secrets a client knows (its credential, the tokens a token provider returned, what plugins add): the SDK removes
/// each of them from every text it produces from what a server sent (error bodies, messages), raw, JSON-escaped,
/// URL-encoded and base64. A plugin that puts a secret on a request registers it with <see cref="Add"/>
/// (through <see cref="PluginHooks.Secrets"/>).
/// </summary>
/// <remarks>It remembers the last <see cref="Capacity"/> secrets: a refreshed token pushes out the oldest, long expired one.</remarks>
public sealed class SecretRedactor
{
    /// <summary>How many secrets are remembered.</summary>
    public const int Capacity = 32;

    /// <summary>What replaces a secret.</summary>
    public const string Mask = "***";

    private readonly Lock _lock = new();
    private readonly Queue<string> _secrets = new();
    private string[] _forms = [];

    internal SecretRedactor()
    {
    }

    /// <summary>Whether any secret is registered.</summary>
    public bool IsEmpty => Volatile.Read(ref _forms).Length == 0;

    /// <summary>Registers a secret; an empty one, or one already known, is ignored.</summary>
    /// <param name="secret">The secret.</param>
    public void Add(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_secrets.Contains(secret))
            {
                return;
            }

            _secrets.Enqueue(secret);
            if (_secrets.Count > Capacity)
            {
                _secrets.Dequeue();
            }

            // Longest first, so that no form is half replaced by a shorter one it contains.
            Volatile.Write(ref _forms, [.. _secrets.SelectMany(FormsOf).Distinct(StringComparer.Ordinal).OrderByDescending(static f => f.Length)]);
        }
    }

    /// <summary>Returns <paramref name="text"/> with every known secret, in every form, replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text (the same instance when it holds no secret).</returns>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string form in Volatile.Read(ref _forms))
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <inheritdoc />
    public override string ToString() => $"SecretRedactor({Volatile.Read(ref _forms).Length} forms)";

    private static IEnumerable<string> FormsOf(string secret)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(secret);
        string base64 = Convert.ToBase64String(utf8);
        yield return secret;
        yield return JsonEncodedText.Encode(secret).ToString();
        yield return Uri.EscapeDataString(secret);
        yield return secret.Replace(" ", "+", StringComparison.Ordinal); // form encoding
        yield return base64;
        yield return base64.TrimEnd('=');
        yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_'); // base64url
    }
}
