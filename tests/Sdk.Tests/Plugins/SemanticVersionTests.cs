using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>SemanticVersion: parsing, semver 2.0.0 precedence (rule 11), equality and formatting.</summary>
public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.2.3", 1, 2, 3, null, "1.2.3")]
    [InlineData("0.0.0", 0, 0, 0, null, "0.0.0")]
    [InlineData("10.20.30", 10, 20, 30, null, "10.20.30")]
    [InlineData("1", 1, 0, 0, null, "1.0.0")]
    [InlineData("1.2", 1, 2, 0, null, "1.2.0")]
    [InlineData("1.2-beta", 1, 2, 0, "beta", "1.2.0-beta")]
    [InlineData("1.0.0-alpha", 1, 0, 0, "alpha", "1.0.0-alpha")]
    [InlineData("1.0.0-alpha.1", 1, 0, 0, "alpha.1", "1.0.0-alpha.1")]
    [InlineData("1.0.0-0.3.7", 1, 0, 0, "0.3.7", "1.0.0-0.3.7")]
    [InlineData("1.0.0-x.7.z.92", 1, 0, 0, "x.7.z.92", "1.0.0-x.7.z.92")]
    [InlineData("1.0.0-x-y-z.--", 1, 0, 0, "x-y-z.--", "1.0.0-x-y-z.--")]
    [InlineData("1.0.0-0A.is.legal", 1, 0, 0, "0A.is.legal", "1.0.0-0A.is.legal")]
    [InlineData("1.0.0+20130313144700", 1, 0, 0, null, "1.0.0")]
    [InlineData("1.0.0-beta+exp.sha.5114f85", 1, 0, 0, "beta", "1.0.0-beta")]
    [InlineData("1.0.0+21AF26D3----117B344092BD", 1, 0, 0, null, "1.0.0")]
    [InlineData("1.0.0+001", 1, 0, 0, null, "1.0.0")]
    [InlineData("2147483647.0.0", int.MaxValue, 0, 0, null, "2147483647.0.0")]
    public void Parse_Valid(string text, int major, int minor, int patch, string? prerelease, string normalized)
    {
        SemanticVersion version = SemanticVersion.Parse(text);

        Assert.Equal(major, version.Major);
        Assert.Equal(minor, version.Minor);
        Assert.Equal(patch, version.Patch);
        Assert.Equal(prerelease, version.Prerelease);
        Assert.Equal(normalized, version.ToString());
        Assert.True(SemanticVersion.TryParse(text, out SemanticVersion parsed));
        Assert.Equal(version, parsed);
        Assert.Equal(version, SemanticVersion.Parse(version.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" 1.2.3")]
    [InlineData("1.2.3 ")]
    [InlineData("v1.2.3")]
    [InlineData("1.2.3.4")]
    [InlineData("1..3")]
    [InlineData("1.2.")]
    [InlineData(".1.2")]
    [InlineData("01.2.3")]
    [InlineData("1.02.3")]
    [InlineData("1.2.03")]
    [InlineData("-1.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-alpha..1")]
    [InlineData("1.2.3-alpha.")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-alpha.01")]
    [InlineData("1.2.3-alpha_beta")]
    [InlineData("1.2.3+build..1")]
    [InlineData("1.2.3+build+more")]
    [InlineData("1.2.3-béta")]
    [InlineData("2147483648.0.0")]
    [InlineData("1.2.x")]
    [InlineData("+build")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheText(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => SemanticVersion.Parse(text));

        Assert.StartsWith($"'{text}' is not a semantic version", error.Message, StringComparison.Ordinal);
        Assert.False(SemanticVersion.TryParse(text, out SemanticVersion version));
        Assert.Equal(default, version);
    }

    [Fact]
    public void Parse_Invalid_SaysWhy()
    {
        Assert.Equal(
            "'1.02.3' is not a semantic version (MAJOR.MINOR.PATCH[-prerelease][+build]): '02' has a leading zero.",
            Assert.Throws<FormatException>(() => SemanticVersion.Parse("1.02.3")).Message);
        Assert.EndsWith(
            ": invalid prerelease label: an identifier is empty.",
            Assert.Throws<FormatException>(() => SemanticVersion.Parse("1.0.0-a..b")).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_Throws_TryParse_ReturnsFalse()
    {
        Assert.Throws<ArgumentNullException>(() => SemanticVersion.Parse(null!));
        Assert.False(SemanticVersion.TryParse(null, out _));
    }

    [Fact]
    public void Precedence_FollowsSemverRule11()
    {
        // semver.org, rule 11.
        string[] ascending =
        [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0-0", "2.0.0", "10.0.0",
        ];

        for (int i = 0; i < ascending.Length; i++)
        {
            for (int j = 0; j < ascending.Length; j++)
            {
                SemanticVersion a = SemanticVersion.Parse(ascending[i]);
                SemanticVersion b = SemanticVersion.Parse(ascending[j]);
                Assert.Equal(i.CompareTo(j), Math.Sign(a.CompareTo(b)));
                Assert.Equal(i < j, a < b);
                Assert.Equal(i > j, a > b);
                Assert.Equal(i <= j, a <= b);
                Assert.Equal(i >= j, a >= b);
                Assert.Equal(i == j, a == b);
                Assert.Equal(i != j, a != b);
            }
        }

        string[] shuffled = [.. ascending.Reverse()];
        SemanticVersion[] sorted = [.. shuffled.Select(SemanticVersion.Parse).Order()];
        Assert.Equal(ascending, sorted.Select(v => v.ToString()));
    }

    [Theory]
    [InlineData("1.0.0-2", "1.0.0-10")]
    [InlineData("1.0.0-99", "1.0.0-100")]
    [InlineData("1.0.0-99999999999999999999", "1.0.0-100000000000000000000")]
    [InlineData("1.0.0-999", "1.0.0-a")]
    [InlineData("1.0.0-Z", "1.0.0-a")]
    [InlineData("1.0.0--", "1.0.0-0a")]
    [InlineData("1.0.0-a.b", "1.0.0-a.b.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha0")]
    public void Precedence_PrereleaseIdentifiers(string lower, string higher)
    {
        Assert.True(SemanticVersion.Parse(lower) < SemanticVersion.Parse(higher));
        Assert.True(SemanticVersion.Parse(higher).CompareTo(SemanticVersion.Parse(lower)) > 0);
    }

    [Fact]
    public void BuildMetadata_IsIgnored()
    {
        SemanticVersion a = SemanticVersion.Parse("1.0.0-beta+exp.sha.5114f85");
        SemanticVersion b = SemanticVersion.Parse("1.0.0-beta+other");
        SemanticVersion c = SemanticVersion.Parse("1.0.0-beta");

        Assert.Equal(a, b);
        Assert.Equal(0, a.CompareTo(c));
        Assert.True(a == c);
        Assert.Equal(a.GetHashCode(), c.GetHashCode());
        Assert.Equal("1.0.0-beta", a.ToString());
    }

    [Fact]
    public void Equality_IsCaseSensitiveOnPrerelease()
    {
        SemanticVersion lower = SemanticVersion.Parse("1.0.0-alpha");
        SemanticVersion upper = SemanticVersion.Parse("1.0.0-Alpha");

        Assert.NotEqual(lower, upper);
        Assert.True(upper < lower); // 'A' (65) precedes 'a' (97) in ASCII.
        Assert.False(lower.Equals((object)upper));
        Assert.True(lower.Equals((object)SemanticVersion.Parse("1.0.0-alpha")));
        Assert.False(lower.Equals("1.0.0-alpha"));
    }

    [Fact]
    public void Constructor_SetsParts_AndValidates()
    {
        var version = new SemanticVersion(1, 2, 3, "rc.1");

        Assert.Equal("1.2.3-rc.1", version.ToString());
        Assert.Equal(version, SemanticVersion.Parse("1.2.3-rc.1"));
        Assert.Equal("4.0.0", new SemanticVersion(4).ToString());
        Assert.Equal("0.0.0", default(SemanticVersion).ToString());
        Assert.Equal(new SemanticVersion(0), default);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticVersion(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticVersion(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticVersion(1, 0, -1));
        Assert.Throws<ArgumentException>(() => new SemanticVersion(1, 0, 0, ""));
        Assert.Throws<ArgumentException>(() => new SemanticVersion(1, 0, 0, "01"));
        ArgumentException error = Assert.Throws<ArgumentException>(() => new SemanticVersion(1, 0, 0, "beta+1"));
        Assert.Equal("prerelease", error.ParamName);
    }

    [Fact]
    public void HashCode_EqualVersionsAgree_AndDistinguishesPrerelease()
    {
        var set = new HashSet<SemanticVersion>
        {
            SemanticVersion.Parse("1.0.0"),
            SemanticVersion.Parse("1.0"),
            SemanticVersion.Parse("1.0.0+build"),
            SemanticVersion.Parse("1.0.0-beta"),
            SemanticVersion.Parse("1.0.1"),
        };

        Assert.Equal(3, set.Count);
    }
}
