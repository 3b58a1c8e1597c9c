namespace Sdk;

/// <summary>Header name validation (RFC 9110 token characters).</summary>
internal static class HeaderNames
{
    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && !name.AsSpan().ContainsAnyExcept(TokenChars);
}
