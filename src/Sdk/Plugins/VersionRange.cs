using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sdk.Plugins;

/// <summary>
/// A range of <see cref="SemanticVersion"/>s in NuGet notation: <c>"1.0"</c> (at least 1.0.0), <c>"[1.0,2.0)"</c>,
/// <c>"(1.0,)"</c>, <c>"[1.0]"</c> (exactly 1.0.0), <c>"(,2.0]"</c>. Versions are compared by semver precedence, so
/// <c>[1.0, 2.0)</c> includes <c>2.0.0-beta</c> (it precedes 2.0.0) and excludes <c>1.0.0-beta</c>.
/// </summary>
public sealed class VersionRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="minimum">The lower bound, or <see langword="null"/> for none.</param>
    /// <param name="minimumInclusive">Whether <paramref name="minimum"/> itself is in the range; ignored without a lower bound.</param>
    /// <param name="maximum">The upper bound, or <see langword="null"/> for none.</param>
    /// <param name="maximumInclusive">Whether <paramref name="maximum"/> itself is in the range; ignored without an upper bound.</param>
    /// <exception cref="ArgumentException">
    /// The range is empty: <paramref name="minimum"/> follows <paramref name="maximum"/>, or they are equal and either bound is exclusive.
    /// </exception>
    public VersionRange(SemanticVersion? minimum, bool minimumInclusive, SemanticVersion? maximum, bool maximumInclusive)
    {
        if (WhyEmpty(minimum, minimumInclusive, maximum, maximumInclusive) is { } reason)
        {
            throw new ArgumentException(reason, nameof(minimum));
        }

        Minimum = minimum;
        MinimumInclusive = minimum is not null && minimumInclusive;
        Maximum = maximum;
        MaximumInclusive = maximum is not null && maximumInclusive;
    }

    /// <summary>The range of every version: <c>(, )</c>.</summary>
    public static VersionRange Any { get; } = new(null, false, null, false);

    /// <summary>The lower bound, or <see langword="null"/> for none.</summary>
    public SemanticVersion? Minimum { get; }

    /// <summary>Whether <see cref="Minimum"/> itself is in the range (<see langword="false"/> without a lower bound).</summary>
    public bool MinimumInclusive { get; }

    /// <summary>The upper bound, or <see langword="null"/> for none.</summary>
    public SemanticVersion? Maximum { get; }

    /// <summary>Whether <see cref="Maximum"/> itself is in the range (<see langword="false"/> without an upper bound).</summary>
    public bool MaximumInclusive { get; }

    /// <summary>The range of <paramref name="minimum"/> and every version that follows it: <c>[minimum, )</c>.</summary>
    /// <param name="minimum">The lowest version in the range.</param>
    /// <returns>The range.</returns>
    public static VersionRange AtLeast(SemanticVersion minimum) => new(minimum, true, null, false);

    /// <summary>Whether <paramref name="version"/> is in the range.</summary>
    /// <param name="version">The version to test.</param>
    /// <returns><see langword="true"/> when it is within both bounds.</returns>
    public bool Includes(SemanticVersion version)
    {
        if (Minimum is { } minimum)
        {
            int compared = version.CompareTo(minimum);
            if (compared < 0 || (compared == 0 && !MinimumInclusive))
            {
                return false;
            }
        }

        if (Maximum is { } maximum)
        {
            int compared = version.CompareTo(maximum);
            if (compared > 0 || (compared == 0 && !MaximumInclusive))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Parses NuGet range notation: a bare version (<c>"1.0"</c>: at least it), <c>"[1.0]"</c> (exactly it), or two bounds in
    /// brackets, either of them left out for none: <c>'['</c> / <c>']'</c> include the bound, <c>'('</c> / <c>')'</c> exclude it.
    /// Whitespace is allowed around the parts. Versions are read by <see cref="SemanticVersion.Parse"/>.
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <returns>The range.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// <paramref name="text"/> is not a version range, or an empty one (<c>"(1.0,1.0)"</c>, <c>"[2.0,1.0]"</c>); the message quotes it.
    /// </exception>
    public static VersionRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out VersionRange? range, out string? reason)
            ? range
            : throw new FormatException($"'{text}' is not a version range: {reason}.");
    }

    /// <summary>Parses a range as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="range">The range, or <see langword="null"/> when the text is not one.</param>
    /// <returns>Whether <paramref name="text"/> is a (non-empty) version range.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionRange? range)
    {
        if (text is null)
        {
            range = null;
            return false;
        }

        return TryParse(text, out range, out _);
    }

    /// <summary>
    /// The range in normalized NuGet notation: <c>"[1.0.0, 2.0.0)"</c>, <c>"[1.0.0, )"</c>, <c>"(, 2.0.0]"</c>,
    /// <c>"[1.0.0]"</c> for an exact version, <c>"(, )"</c> for <see cref="Any"/>.
    /// </summary>
    /// <returns>The text, which <see cref="Parse"/> reads back.</returns>
    public override string ToString()
    {
        if (Minimum is { } exact && Maximum == exact && MinimumInclusive && MaximumInclusive)
        {
            return "[" + exact.ToString() + "]";
        }

        var text = new StringBuilder();
        text.Append(MinimumInclusive ? '[' : '(');
        if (Minimum is { } minimum)
        {
            text.Append(minimum.ToString());
        }

        text.Append(", ");
        if (Maximum is { } maximum)
        {
            text.Append(maximum.ToString());
        }

        return text.Append(MaximumInclusive ? ']' : ')').ToString();
    }

    private static bool TryParse(string text, [NotNullWhen(true)] out VersionRange? range, out string? reason)
    {
        range = null;
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            reason = "it is empty";
            return false;
        }

        char open = span[0];
        if (open is not ('[' or '('))
        {
            // A bare version: that version or any later one.
            if (!SemanticVersion.TryParse(span, out SemanticVersion minimum, out reason))
            {
                return false;
            }

            range = AtLeast(minimum);
            return true;
        }

        char close = span[^1];
        if (span.Length < 2 || close is not (']' or ')'))
        {
            reason = "it does not end with ']' or ')'";
            return false;
        }

        ReadOnlySpan<char> inner = span[1..^1];
        int comma = inner.IndexOf(',');
        if (comma < 0)
        {
            // "[1.0]": exactly that version. "(1.0)", "[1.0)" and "[]" are invalid.
            if (open != '[' || close != ']')
            {
                reason = "a single version must be in square brackets, as '[1.0]'";
                return false;
            }

            if (!TryParseBound(inner.Trim(), out SemanticVersion? exact, out reason) || exact is null)
            {
                reason ??= "the brackets hold no version";
                return false;
            }

            range = new VersionRange(exact, true, exact, true);
            return true;
        }

        if (inner[(comma + 1)..].Contains(','))
        {
            reason = "it has more than two bounds";
            return false;
        }

        if (!TryParseBound(inner[..comma].Trim(), out SemanticVersion? min, out reason)
            || !TryParseBound(inner[(comma + 1)..].Trim(), out SemanticVersion? max, out reason))
        {
            return false;
        }

        bool minInclusive = open == '[';
        bool maxInclusive = close == ']';
        if (WhyEmpty(min, minInclusive, max, maxInclusive) is { } empty)
        {
            reason = empty;
            return false;
        }

        range = new VersionRange(min, minInclusive, max, maxInclusive);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<char> text, out SemanticVersion? bound, out string? reason)
    {
        bound = null;
        reason = null;
        if (text.IsEmpty)
        {
            return true;
        }

        if (!SemanticVersion.TryParse(text, out SemanticVersion version, out reason))
        {
            reason = $"'{text}' is not a semantic version: {reason}";
            return false;
        }

        bound = version;
        return true;
    }

    private static string? WhyEmpty(SemanticVersion? minimum, bool minimumInclusive, SemanticVersion? maximum, bool maximumInclusive)
    {
        if (minimum is not { } min || maximum is not { } max)
        {
            return null;
        }

        int compared = min.CompareTo(max);
        if (compared > 0)
        {
            return $"the minimum {min} follows the maximum {max}, so no version is in the range";
        }

        return compared == 0 && !(minimumInclusive && maximumInclusive)
            ? $"the bounds are both {min} and one excludes it, so no version is in the range"
            : null;
    }
}
