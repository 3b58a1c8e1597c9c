using System.Globalization;

namespace Sdk.Plugins;

/// <summary>
/// A <see href="https://semver.org/spec/v2.0.0.html">Semantic Versioning 2.0.0</see> version:
/// <c>MAJOR.MINOR.PATCH[-prerelease][+build]</c>. Versions are ordered by semver precedence (rule 11): the numeric parts,
/// then a version with a prerelease before the same version without one, prerelease identifiers compared one by one
/// (numeric ones as numbers, before alphanumeric ones, which compare in ASCII order; a longer list after its prefix).
/// Build metadata is accepted by <see cref="Parse"/> but not kept: it plays no part in precedence or equality.
/// </summary>
/// <remarks>The default value is <c>0.0.0</c>.</remarks>
public readonly struct SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private readonly string? _prerelease;

    /// <summary>Creates a version.</summary>
    /// <param name="major">The major version, 0 or more.</param>
    /// <param name="minor">The minor version, 0 or more.</param>
    /// <param name="patch">The patch version, 0 or more.</param>
    /// <param name="prerelease">
    /// The prerelease label without its leading '-' (<c>"beta.1"</c>), or <see langword="null"/> for a release: dot-separated,
    /// non-empty identifiers of ASCII letters, digits and '-', numeric ones without leading zeros.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A numeric part is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="prerelease"/> is not a valid prerelease label.</exception>
    public SemanticVersion(int major, int minor = 0, int patch = 0, string? prerelease = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        if (prerelease is not null && InvalidIdentifiers(prerelease, numericLeadingZeroAllowed: false) is { } reason)
        {
            throw new ArgumentException($"'{prerelease}' is not a valid prerelease label: {reason}.", nameof(prerelease));
        }

        Major = major;
        Minor = minor;
        Patch = patch;
        _prerelease = prerelease;
    }

    /// <summary>The major version: incremented for incompatible changes.</summary>
    public int Major { get; }

    /// <summary>The minor version: incremented for compatible additions.</summary>
    public int Minor { get; }

    /// <summary>The patch version: incremented for compatible fixes.</summary>
    public int Patch { get; }

    /// <summary>The prerelease label without its leading '-' (<c>"beta.1"</c>), or <see langword="null"/> for a release.</summary>
    public string? Prerelease => _prerelease;

    /// <summary>
    /// Parses <c>MAJOR.MINOR.PATCH[-prerelease][+build]</c>. For convenience <c>"1"</c> and <c>"1.2"</c> are accepted too
    /// (the missing parts are 0). Numeric parts have no leading zeros; surrounding whitespace is not allowed.
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <returns>The version.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a semantic version; the message quotes it.</exception>
    public static SemanticVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out SemanticVersion version, out string? reason)
            ? version
            : throw new FormatException($"'{text}' is not a semantic version (MAJOR.MINOR.PATCH[-prerelease][+build]): {reason}.");
    }

    /// <summary>Parses a version as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="version">The version, or the default when the text is not one.</param>
    /// <returns>Whether <paramref name="text"/> is a semantic version.</returns>
    public static bool TryParse(string? text, out SemanticVersion version)
    {
        if (text is null)
        {
            version = default;
            return false;
        }

        return TryParse(text.AsSpan(), out version, out _);
    }

    /// <summary>Parses a version, saying why it is not one.</summary>
    internal static bool TryParse(ReadOnlySpan<char> text, out SemanticVersion version, out string? reason)
    {
        version = default;
        if (text.IsEmpty)
        {
            reason = "it is empty";
            return false;
        }

        ReadOnlySpan<char> rest = text;
        int plus = rest.IndexOf('+');
        if (plus >= 0)
        {
            if (InvalidIdentifiers(rest[(plus + 1)..], numericLeadingZeroAllowed: true) is { } buildReason)
            {
                reason = "invalid build metadata: " + buildReason;
                return false;
            }

            rest = rest[..plus];
        }

        string? prerelease = null;
        int dash = rest.IndexOf('-');
        if (dash >= 0)
        {
            ReadOnlySpan<char> label = rest[(dash + 1)..];
            if (InvalidIdentifiers(label, numericLeadingZeroAllowed: false) is { } preReason)
            {
                reason = "invalid prerelease label: " + preReason;
                return false;
            }

            prerelease = label.ToString();
            rest = rest[..dash];
        }

        Span<int> parts = [0, 0, 0];
        int count = 0;
        foreach (Range range in rest.Split('.'))
        {
            if (count == parts.Length)
            {
                reason = "it has more than three numeric parts";
                return false;
            }

            if (!TryParseNumber(rest[range], out parts[count], out reason))
            {
                return false;
            }

            count++;
        }

        version = new SemanticVersion(parts[0], parts[1], parts[2], prerelease);
        reason = null;
        return true;
    }

    /// <summary>Compares by semver precedence; build metadata plays no part.</summary>
    /// <param name="other">The version to compare with.</param>
    /// <returns>Less than 0 when this version precedes <paramref name="other"/>, 0 when equal, more than 0 when it follows.</returns>
    public int CompareTo(SemanticVersion other)
    {
        int result = Major.CompareTo(other.Major);
        if (result == 0)
        {
            result = Minor.CompareTo(other.Minor);
        }

        if (result == 0)
        {
            result = Patch.CompareTo(other.Patch);
        }

        return result != 0 ? result : ComparePrerelease(_prerelease, other._prerelease);
    }

    /// <summary>Whether both versions have the same numeric parts and prerelease label (build metadata is not kept).</summary>
    /// <param name="other">The version to compare with.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public bool Equals(SemanticVersion other) =>
        Major == other.Major && Minor == other.Minor && Patch == other.Patch && string.Equals(_prerelease, other._prerelease, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Major, Minor, Patch, _prerelease is null ? 0 : StringComparer.Ordinal.GetHashCode(_prerelease));

    /// <summary>The version as <c>"1.2.3"</c> or <c>"1.2.3-beta.1"</c>.</summary>
    /// <returns>The normalized text, which <see cref="Parse"/> reads back.</returns>
    public override string ToString() => _prerelease is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}")
        : string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}-{_prerelease}");

    /// <summary>Whether two versions are equal.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(SemanticVersion left, SemanticVersion right) => left.Equals(right);

    /// <summary>Whether two versions differ.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(SemanticVersion left, SemanticVersion right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> precedes <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> has lower precedence.</returns>
    public static bool operator <(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> follows <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> has higher precedence.</returns>
    public static bool operator >(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> precedes or equals <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not have higher precedence.</returns>
    public static bool operator <=(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> follows or equals <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not have lower precedence.</returns>
    public static bool operator >=(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) >= 0;

    private static bool TryParseNumber(ReadOnlySpan<char> digits, out int value, out string? reason)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            reason = "a numeric part is empty";
            return false;
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                reason = $"'{digits}' is not a number";
                return false;
            }
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            reason = $"'{digits}' has a leading zero";
            return false;
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            reason = $"'{digits}' is too large";
            return false;
        }

        reason = null;
        return true;
    }

    /// <summary>Why a dot-separated identifier list is invalid, or <see langword="null"/> when it is valid.</summary>
    private static string? InvalidIdentifiers(ReadOnlySpan<char> text, bool numericLeadingZeroAllowed)
    {
        foreach (Range range in text.Split('.'))
        {
            ReadOnlySpan<char> identifier = text[range];
            if (identifier.IsEmpty)
            {
                return "an identifier is empty";
            }

            bool numeric = true;
            foreach (char c in identifier)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return $"'{identifier}' has a character other than ASCII letters, digits and '-'";
                }

                numeric &= char.IsAsciiDigit(c);
            }

            if (numeric && !numericLeadingZeroAllowed && identifier.Length > 1 && identifier[0] == '0')
            {
                return $"'{identifier}' has a leading zero";
            }
        }

        return null;
    }

    private static int ComparePrerelease(string? left, string? right)
    {
        if (left is null || right is null)
        {
            // A release follows its prereleases.
            return left is null ? (right is null ? 0 : 1) : -1;
        }

        ReadOnlySpan<char> a = left;
        ReadOnlySpan<char> b = right;
        while (true)
        {
            if (a.IsEmpty || b.IsEmpty)
            {
                // Equal so far: the longer list of identifiers follows.
                return a.IsEmpty ? (b.IsEmpty ? 0 : -1) : 1;
            }

            ReadOnlySpan<char> x = NextIdentifier(ref a);
            ReadOnlySpan<char> y = NextIdentifier(ref b);
            bool xNumeric = IsNumeric(x);
            bool yNumeric = IsNumeric(y);
            int result;
            if (xNumeric && yNumeric)
            {
                // No leading zeros, so a longer number is a larger one; equal lengths compare digit by digit.
                result = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
            }
            else if (xNumeric != yNumeric)
            {
                // Numeric identifiers precede alphanumeric ones.
                result = xNumeric ? -1 : 1;
            }
            else
            {
                result = x.SequenceCompareTo(y);
            }

            if (result != 0)
            {
                return Math.Sign(result);
            }
        }
    }

    private static ReadOnlySpan<char> NextIdentifier(ref ReadOnlySpan<char> rest)
    {
        int dot = rest.IndexOf('.');
        ReadOnlySpan<char> identifier;
        if (dot < 0)
        {
            identifier = rest;
            rest = [];
        }
        else
        {
            identifier = rest[..dot];
            rest = rest[(dot + 1)..];
        }

        return identifier;
    }

    private static bool IsNumeric(ReadOnlySpan<char> identifier) => !identifier.ContainsAnyExceptInRange('0', '9');
}
