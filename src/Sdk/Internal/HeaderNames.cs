namespace Sdk;

/// <summary>Header name validation (RFC 9110 token characters).</summary>
internal static class HeaderNames
{
    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && !name.AsSpan().ContainsAnyExcept(TokenChars);

    /// <summary>Whether <paramref name="value"/> holds a CR or LF (which would let it inject a header).</summary>
    public static bool HasLineBreak(string value) => value.AsSpan().ContainsAny('\r', '\n');

    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid header name.</exception>
    public static void ThrowIfInvalidName(string? name, string parameterName)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException("The header name is not a valid HTTP token.", parameterName);
        }
    }

    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> has a line break.</exception>
    public static void ThrowIfInvalidValue(string? value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (HasLineBreak(value))
        {
            throw new ArgumentException("A header value must not contain a line break.", parameterName);
        }
    }
}
