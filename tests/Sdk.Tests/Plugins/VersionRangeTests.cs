using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>VersionRange: NuGet notation, every form and boundary, empty ranges, and the normalized ToString().</summary>
public sealed class VersionRangeTests
{
    private static SemanticVersion V(string text) => SemanticVersion.Parse(text);

    [Theory]
    // text, normalized, minimum, minimum inclusive, maximum, maximum inclusive
    [InlineData("1.0", "[1.0.0, )", "1.0.0", true, null, false)]
    [InlineData("1.2.3-beta", "[1.2.3-beta, )", "1.2.3-beta", true, null, false)]
    [InlineData("[1.0,2.0)", "[1.0.0, 2.0.0)", "1.0.0", true, "2.0.0", false)]
    [InlineData("[1.0,2.0]", "[1.0.0, 2.0.0]", "1.0.0", true, "2.0.0", true)]
    [InlineData("(1.0,2.0)", "(1.0.0, 2.0.0)", "1.0.0", false, "2.0.0", false)]
    [InlineData("(1.0,2.0]", "(1.0.0, 2.0.0]", "1.0.0", false, "2.0.0", true)]
    [InlineData("[1.0,)", "[1.0.0, )", "1.0.0", true, null, false)]
    [InlineData("(1.0,)", "(1.0.0, )", "1.0.0", false, null, false)]
    [InlineData("[1.0]", "[1.0.0]", "1.0.0", true, "1.0.0", true)]
    [InlineData("(,2.0]", "(, 2.0.0]", null, false, "2.0.0", true)]
    [InlineData("(,2.0)", "(, 2.0.0)", null, false, "2.0.0", false)]
    [InlineData("[,2.0)", "(, 2.0.0)", null, false, "2.0.0", false)]
    [InlineData("[1.0,]", "[1.0.0, )", "1.0.0", true, null, false)]
    [InlineData("(,)", "(, )", null, false, null, false)]
    [InlineData("[1.0,1.0]", "[1.0.0]", "1.0.0", true, "1.0.0", true)]
    [InlineData("  [ 1.0 , 2.0 )  ", "[1.0.0, 2.0.0)", "1.0.0", true, "2.0.0", false)]
    [InlineData(" 1.0 ", "[1.0.0, )", "1.0.0", true, null, false)]
    [InlineData("[ 1.0 ]", "[1.0.0]", "1.0.0", true, "1.0.0", true)]
    [InlineData("[1.0.0-alpha, 1.0.0-beta]", "[1.0.0-alpha, 1.0.0-beta]", "1.0.0-alpha", true, "1.0.0-beta", true)]
    [InlineData("[1.0.0+build, 2.0.0+build)", "[1.0.0, 2.0.0)", "1.0.0", true, "2.0.0", false)]
    public void Parse_Valid(string text, string normalized, string? minimum, bool minimumInclusive, string? maximum, bool maximumInclusive)
    {
        VersionRange range = VersionRange.Parse(text);

        Assert.Equal(minimum is null ? null : V(minimum), range.Minimum);
        Assert.Equal(minimumInclusive, range.MinimumInclusive);
        Assert.Equal(maximum is null ? null : V(maximum), range.Maximum);
        Assert.Equal(maximumInclusive, range.MaximumInclusive);
        Assert.Equal(normalized, range.ToString());
        Assert.Equal(normalized, VersionRange.Parse(normalized).ToString());
        Assert.True(VersionRange.TryParse(text, out VersionRange? parsed));
        Assert.Equal(normalized, parsed.ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("abc", "'abc' is not a number")]
    [InlineData("[1.0", "it does not end with ']' or ')'")]
    [InlineData("[", "it does not end with ']' or ')'")]
    [InlineData("(1.0)", "a single version must be in square brackets, as '[1.0]'")]
    [InlineData("[1.0)", "a single version must be in square brackets, as '[1.0]'")]
    [InlineData("[]", "the brackets hold no version")]
    [InlineData("[1.0,2.0,3.0]", "it has more than two bounds")]
    [InlineData("[x,2.0]", "'x' is not a semantic version: 'x' is not a number")]
    [InlineData("[1.0,2.0.0.0]", "'2.0.0.0' is not a semantic version: it has more than three numeric parts")]
    [InlineData("(1.0,1.0)", "the bounds are both 1.0.0 and one excludes it, so no version is in the range")]
    [InlineData("[1.0,1.0)", "the bounds are both 1.0.0 and one excludes it, so no version is in the range")]
    [InlineData("(1.0,1.0]", "the bounds are both 1.0.0 and one excludes it, so no version is in the range")]
    [InlineData("[2.0,1.0]", "the minimum 2.0.0 follows the maximum 1.0.0, so no version is in the range")]
    [InlineData("[1.0.0,1.0.0-beta]", "the minimum 1.0.0 follows the maximum 1.0.0-beta, so no version is in the range")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheText(string text, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => VersionRange.Parse(text));

        Assert.Equal($"'{text}' is not a version range: {reason}.", error.Message);
        Assert.False(VersionRange.TryParse(text, out VersionRange? range));
        Assert.Null(range);
    }

    [Fact]
    public void Parse_Null_Throws_TryParse_ReturnsFalse()
    {
        Assert.Throws<ArgumentNullException>(() => VersionRange.Parse(null!));
        Assert.False(VersionRange.TryParse(null, out VersionRange? range));
        Assert.Null(range);
    }

    [Theory]
    // range, version, included
    [InlineData("1.0", "0.9.9", false)]
    [InlineData("1.0", "1.0.0-rc.1", false)]
    [InlineData("1.0", "1.0.0", true)]
    [InlineData("1.0", "99.0.0", true)]
    [InlineData("[1.0,2.0)", "0.9.0", false)]
    [InlineData("[1.0,2.0)", "1.0.0", true)]
    [InlineData("[1.0,2.0)", "1.5.0", true)]
    [InlineData("[1.0,2.0)", "2.0.0-beta", true)]
    [InlineData("[1.0,2.0)", "2.0.0", false)]
    [InlineData("[1.0,2.0]", "2.0.0", true)]
    [InlineData("[1.0,2.0]", "2.0.1", false)]
    [InlineData("(1.0,2.0)", "1.0.0", false)]
    [InlineData("(1.0,2.0)", "1.0.1", true)]
    [InlineData("(1.0,)", "1.0.0", false)]
    [InlineData("(1.0,)", "1.0.1-alpha", true)]
    [InlineData("[1.0]", "1.0.0", true)]
    [InlineData("[1.0]", "1.0.0+build", true)]
    [InlineData("[1.0]", "1.0.1", false)]
    [InlineData("[1.0]", "1.0.0-beta", false)]
    [InlineData("(,2.0]", "0.0.0", true)]
    [InlineData("(,2.0]", "2.0.0", true)]
    [InlineData("(,2.0]", "2.0.1", false)]
    [InlineData("(,2.0)", "2.0.0", false)]
    [InlineData("(,2.0)", "1.9.9", true)]
    [InlineData("(,)", "0.0.0", true)]
    [InlineData("(,)", "2147483647.0.0", true)]
    public void Includes_Boundaries(string range, string version, bool included)
    {
        Assert.Equal(included, VersionRange.Parse(range).Includes(V(version)));
    }

    [Fact]
    public void Any_IncludesEveryVersion()
    {
        VersionRange any = VersionRange.Any;

        Assert.Null(any.Minimum);
        Assert.Null(any.Maximum);
        Assert.False(any.MinimumInclusive);
        Assert.False(any.MaximumInclusive);
        Assert.True(any.Includes(default));
        Assert.True(any.Includes(V("0.0.0-0")));
        Assert.True(any.Includes(new SemanticVersion(int.MaxValue, int.MaxValue, int.MaxValue)));
        Assert.Equal("(, )", any.ToString());
        Assert.Same(any, VersionRange.Any);
    }

    [Fact]
    public void AtLeast_IsInclusiveMinimumWithoutMaximum()
    {
        VersionRange range = VersionRange.AtLeast(V("1.4.0"));

        Assert.Equal(V("1.4.0"), range.Minimum);
        Assert.True(range.MinimumInclusive);
        Assert.Null(range.Maximum);
        Assert.False(range.Includes(V("1.3.9")));
        Assert.True(range.Includes(V("1.4.0")));
        Assert.Equal("[1.4.0, )", range.ToString());
    }

    [Fact]
    public void Constructor_RejectsEmptyRanges_AndIgnoresInclusivityOfMissingBounds()
    {
        Assert.Throws<ArgumentException>(() => new VersionRange(V("2.0"), true, V("1.0"), true));
        Assert.Throws<ArgumentException>(() => new VersionRange(V("1.0"), false, V("1.0"), true));
        Assert.Throws<ArgumentException>(() => new VersionRange(V("1.0"), true, V("1.0"), false));

        var exact = new VersionRange(V("1.0"), true, V("1.0"), true);
        Assert.Equal("[1.0.0]", exact.ToString());

        var open = new VersionRange(null, true, null, true);
        Assert.False(open.MinimumInclusive);
        Assert.False(open.MaximumInclusive);
        Assert.Equal("(, )", open.ToString());
    }
}
