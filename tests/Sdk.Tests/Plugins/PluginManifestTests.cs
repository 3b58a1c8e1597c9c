using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>PluginManifest, PluginDependency and PluginConfigurationException: validation, defaults, copies and ToString().</summary>
public sealed class PluginManifestTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("auth")]
    [InlineData("Sdk.Auth-v2_beta")]
    [InlineData("0")]
    [InlineData("._-")]
    public void Id_Valid(string id)
    {
        Assert.Equal(id, new PluginManifest(id, new SemanticVersion(1)).Id);
        Assert.Equal(id, new PluginDependency(id).Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("auth plugin")]
    [InlineData("auth/2")]
    [InlineData("auth:2")]
    [InlineData("authé")]
    [InlineData("auth\n")]
    public void Id_Invalid_ThrowsArgumentException(string id)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new PluginManifest(id, new SemanticVersion(1)));
        Assert.Equal("id", error.ParamName);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => new PluginDependency(id)).ParamName);
    }

    [Fact]
    public void Id_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new PluginManifest(null!, default));
        Assert.Throws<ArgumentNullException>(() => new PluginDependency(null!));
    }

    [Fact]
    public void Id_Invalid_MessageNamesTheId()
    {
        Assert.StartsWith(
            "'auth plugin' is not a valid plugin id: use ASCII letters, digits, '.', '-' and '_' only.",
            Assert.Throws<ArgumentException>(() => new PluginManifest("auth plugin", default)).Message,
            StringComparison.Ordinal);
        Assert.StartsWith("A plugin id must not be empty.", Assert.Throws<ArgumentException>(() => new PluginManifest("", default)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults()
    {
        var manifest = new PluginManifest("cache", SemanticVersion.Parse("1.2.3"));

        Assert.Equal(SemanticVersion.Parse("1.2.3"), manifest.Version);
        Assert.Empty(manifest.DependsOn);
        Assert.Empty(manifest.Before);
        Assert.Empty(manifest.After);
        Assert.Equal(0, manifest.Order);
        Assert.Equal(PluginCriticality.Optional, manifest.Criticality);
        Assert.Equal(PluginLoad.Eager, manifest.Load);
        Assert.Null(manifest.HookTimeout);
        Assert.Equal("cache 1.2.3", manifest.ToString());
        Assert.Equal("cache 1.2.3-beta.1", new PluginManifest("cache", SemanticVersion.Parse("1.2.3-beta.1+sha")).ToString());
    }

    [Fact]
    public void InitProperties_AreKept()
    {
        var manifest = new PluginManifest("cache", new SemanticVersion(2))
        {
            DependsOn = [new PluginDependency("auth", VersionRange.Parse("[1.0,2.0)"))],
            Before = ["log"],
            After = ["auth", "retry"],
            Order = -5,
            Criticality = PluginCriticality.Required,
            Load = PluginLoad.Lazy,
            HookTimeout = TimeSpan.FromMilliseconds(250),
        };

        Assert.Equal("auth [1.0.0, 2.0.0)", Assert.Single(manifest.DependsOn).ToString());
        Assert.Equal(["log"], manifest.Before);
        Assert.Equal(["auth", "retry"], manifest.After);
        Assert.Equal(-5, manifest.Order);
        Assert.Equal(PluginCriticality.Required, manifest.Criticality);
        Assert.Equal(PluginLoad.Lazy, manifest.Load);
        Assert.Equal(TimeSpan.FromMilliseconds(250), manifest.HookTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, new PluginManifest("x", default) { HookTimeout = Timeout.InfiniteTimeSpan }.HookTimeout);
    }

    [Fact]
    public void Lists_AreCopied_SoLaterChangesDoNotLeakIn()
    {
        List<string> before = ["log"];
        List<string> after = ["auth"];
        List<PluginDependency> dependsOn = [new PluginDependency("auth")];
        var manifest = new PluginManifest("cache", default) { Before = before, After = after, DependsOn = dependsOn };

        before.Add("x");
        after.Clear();
        dependsOn.Add(new PluginDependency("y"));

        Assert.Equal(["log"], manifest.Before);
        Assert.Equal(["auth"], manifest.After);
        Assert.Single(manifest.DependsOn);
    }

    [Fact]
    public void Lists_RejectNullAndNullItems()
    {
        Assert.Equal("Before", Assert.Throws<ArgumentNullException>(() => new PluginManifest("a", default) { Before = null! }).ParamName);
        Assert.Equal("After", Assert.Throws<ArgumentNullException>(() => new PluginManifest("a", default) { After = null! }).ParamName);
        Assert.Equal("DependsOn", Assert.Throws<ArgumentNullException>(() => new PluginManifest("a", default) { DependsOn = null! }).ParamName);
        Assert.Equal("Before", Assert.Throws<ArgumentException>(() => new PluginManifest("a", default) { Before = ["b", null!] }).ParamName);
        Assert.Equal("After", Assert.Throws<ArgumentException>(() => new PluginManifest("a", default) { After = [null!] }).ParamName);
        Assert.Equal("DependsOn", Assert.Throws<ArgumentException>(() => new PluginManifest("a", default) { DependsOn = [null!] }).ParamName);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-20_000L)] // -2 ms; -1 ms is Timeout.InfiniteTimeSpan, which is allowed.
    [InlineData(long.MinValue)]
    public void HookTimeout_RejectsZeroAndNegative(long ticks)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new PluginManifest("a", default) { HookTimeout = TimeSpan.FromTicks(ticks) });
        Assert.Equal("HookTimeout", error.ParamName);
    }

    [Fact]
    public void Enums_RejectUndefinedValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PluginManifest("a", default) { Criticality = (PluginCriticality)2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PluginManifest("a", default) { Load = (PluginLoad)(-1) });
    }

    [Fact]
    public void Dependency_NullRangeIsAny_AndToStringShowsTheRange()
    {
        var any = new PluginDependency("auth");
        Assert.Same(VersionRange.Any, any.Range);
        Assert.Equal("auth", any.ToString());
        Assert.Equal("auth [2.0.0, )", new PluginDependency("auth", VersionRange.AtLeast(new SemanticVersion(2))).ToString());
        Assert.Equal("auth [1.0.0]", new PluginDependency("auth", VersionRange.Parse("[1.0]")).ToString());
        Assert.Equal("auth (, 3.0.0)", new PluginDependency("auth", VersionRange.Parse("(,3)")).ToString());
    }

    [Fact]
    public void ConfigurationException_CopiesIds_AndIsAnInvalidOperationException()
    {
        List<string> ids = ["a", "b"];
        var error = new PluginConfigurationException("bad", ids);
        ids.Add("c");

        Assert.Equal("bad", error.Message);
        Assert.Equal(["a", "b"], error.PluginIds);
        Assert.IsAssignableFrom<InvalidOperationException>(error);
        Assert.Throws<ArgumentNullException>(() => new PluginConfigurationException("bad", null!));
    }
}
