using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

/// <summary>
/// PluginOrder.Resolve: dependencies first, Before/After, the Order tie-break and registration-order stability, and every
/// configuration problem reported at once in one PluginConfigurationException with its exact message.
/// </summary>
public sealed class PluginOrderTests
{
    private static PluginManifest M(
        string id,
        string version = "1.0.0",
        int order = 0,
        string[]? dependsOn = null,
        string[]? before = null,
        string[]? after = null) => new(id, SemanticVersion.Parse(version))
        {
            Order = order,
            DependsOn = [.. (dependsOn ?? []).Select(Dependency)],
            Before = before ?? [],
            After = after ?? [],
        };

    /// <summary>"auth" or "auth [1.0,2.0)": an id, optionally followed by a range.</summary>
    private static PluginDependency Dependency(string text)
    {
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? new PluginDependency(text) : new PluginDependency(text[..space], VersionRange.Parse(text[(space + 1)..]));
    }

    private static string[] Ids(PluginManifest[] manifests) => [.. PluginOrder.Resolve(manifests).Select(i => manifests[i].Id)];

    private static PluginConfigurationException Fails(params PluginManifest[] manifests) =>
        Assert.Throws<PluginConfigurationException>(() => PluginOrder.Resolve(manifests));

    private static string Message(params string[] problems) =>
        $"The plugin set is invalid ({problems.Length} problem{(problems.Length == 1 ? "" : "s")}):"
        + string.Concat(problems.Select(p => Environment.NewLine + "- " + p));

    [Fact]
    public void Empty_ResolvesToNothing()
    {
        Assert.Empty(PluginOrder.Resolve([]));
    }

    [Fact]
    public void NoConstraints_KeepsRegistrationOrder()
    {
        Assert.Equal(["e", "d", "c", "b", "a"], Ids([M("e"), M("d"), M("c"), M("b"), M("a")]));
    }

    [Fact]
    public void Order_LowerRunsFirst_ThenRegistrationOrder()
    {
        Assert.Equal(
            ["neg", "a", "c", "b", "d"],
            Ids([M("a", order: 1), M("b", order: 5), M("c", order: 1), M("neg", order: int.MinValue), M("d", order: int.MaxValue)]));
    }

    [Fact]
    public void Dependencies_RunFirst_RegardlessOfRegistrationOrder()
    {
        Assert.Equal(
            ["c", "b", "a"],
            Ids([M("a", dependsOn: ["b"]), M("b", dependsOn: ["c"]), M("c")]));
    }

    [Fact]
    public void Dependencies_OutrankOrder()
    {
        Assert.Equal(["b", "a"], Ids([M("a", order: -100, dependsOn: ["b"]), M("b", order: 100)]));
    }

    [Fact]
    public void Diamond_DependenciesFirst_TiesByRegistration()
    {
        // top needs left and right, which both need base.
        Assert.Equal(
            ["base", "right", "left", "top"],
            Ids([M("top", dependsOn: ["left", "right"]), M("right", dependsOn: ["base"]), M("left", dependsOn: ["base"]), M("base")]));
    }

    [Fact]
    public void FreedPlugin_CompetesByOrder_WithPluginsAlreadyWaiting()
    {
        // After 'a', both 'b' (Order 5, waiting since the start) and 'c' (Order 1, freed by 'a') may go: the lower Order wins.
        Assert.Equal(["a", "c", "b"], Ids([M("a"), M("b", order: 5), M("c", order: 1, dependsOn: ["a"])]));
    }

    [Fact]
    public void After_RunsTheTargetFirst()
    {
        Assert.Equal(["b", "a"], Ids([M("a", after: ["b"]), M("b")]));
    }

    [Fact]
    public void Before_RunsTheTargetAfter()
    {
        Assert.Equal(["b", "a"], Ids([M("a"), M("b", before: ["a"])]));
    }

    [Fact]
    public void BeforeAndAfter_OutrankOrder()
    {
        Assert.Equal(
            ["first", "middle", "last"],
            Ids([M("last", order: -10, after: ["middle"]), M("middle", order: -5), M("first", order: 10, before: ["middle"])]));
    }

    [Fact]
    public void AbsentBeforeAndAfterTargets_AreIgnored()
    {
        Assert.Equal(
            ["a", "b"],
            Ids([M("a", before: ["missing"], after: ["absent"]), M("b", after: ["nobody"], before: ["ghost"])]));
    }

    [Fact]
    public void Ids_AreCaseSensitive()
    {
        // 'A' is not 'a': the After target is absent, so nothing changes.
        Assert.Equal(["a", "b"], Ids([M("a", after: ["B"]), M("b")]));
        Assert.Equal(["A", "a"], Ids([M("A"), M("a")]));
    }

    [Fact]
    public void Resolve_IsDeterministic_AndMatchesAReferenceOrder()
    {
        // A random DAG (edges only from a lower to a higher rank, so no cycle), each edge declared one of three ways, checked
        // against a naive reference: repeatedly take the ready plugin with the lowest (Order, registration index).
        var random = new Random(1234);
        const int n = 200;
        int[] rank = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
        var dependsOn = new List<string>[n];
        var before = new List<string>[n];
        var after = new List<string>[n];
        for (int i = 0; i < n; i++)
        {
            (dependsOn[i], before[i], after[i]) = ([], [], []);
        }

        var mustPrecede = new List<(int First, int Then)>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (rank[j] >= rank[i] || random.Next(40) != 0)
                {
                    continue;
                }

                // j must run before i.
                mustPrecede.Add((j, i));
                switch (random.Next(3))
                {
                    case 0: dependsOn[i].Add($"p{j}"); break;
                    case 1: after[i].Add($"p{j}"); break;
                    default: before[j].Add($"p{i}"); break;
                }
            }
        }

        PluginManifest[] manifests =
        [
            .. Enumerable.Range(0, n).Select(i => M($"p{i}", order: random.Next(3), dependsOn: [.. dependsOn[i]], before: [.. before[i]], after: [.. after[i]])),
        ];

        int[] resolved = PluginOrder.Resolve(manifests);

        Assert.Equal(resolved, PluginOrder.Resolve(manifests));
        Assert.Equal(Reference(manifests, mustPrecede), resolved);
        int[] position = new int[n];
        for (int k = 0; k < n; k++)
        {
            position[resolved[k]] = k;
        }

        Assert.All(mustPrecede, e => Assert.True(position[e.First] < position[e.Then]));
        Assert.NotEqual(Enumerable.Range(0, n), resolved);
        Assert.True(before.Any(l => l.Count > 0) && after.Any(l => l.Count > 0) && dependsOn.Any(l => l.Count > 0));
    }

    private static int[] Reference(PluginManifest[] manifests, List<(int First, int Then)> edges)
    {
        int n = manifests.Length;
        bool[] done = new bool[n];
        var result = new List<int>();
        while (result.Count < n)
        {
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (done[i] || edges.Any(e => e.Then == i && !done[e.First]))
                {
                    continue;
                }

                if (best < 0 || manifests[i].Order < manifests[best].Order)
                {
                    best = i;
                }
            }

            done[best] = true;
            result.Add(best);
        }

        return [.. result];
    }

    [Fact]
    public void DuplicateId_NamesBothRegistrationsByPosition()
    {
        PluginConfigurationException error = Fails(M("a", "1.0.0"), M("b"), M("a", "2.0.0"));

        Assert.Equal(
            Message("Plugin id 'a' is registered twice: 'a 1.0.0' (registration #1) and 'a 2.0.0' (registration #3)."),
            error.Message);
        Assert.Equal(["a"], error.PluginIds);
    }

    [Fact]
    public void DuplicateId_ThreeTimes_IsOneProblem()
    {
        PluginConfigurationException error = Fails(M("a", "1.0.0"), M("a", "1.1.0"), M("b"), M("a", "3.0.0-rc.1"));

        Assert.Equal(
            Message("Plugin id 'a' is registered 3 times: 'a 1.0.0' (registration #1), 'a 1.1.0' (registration #2) and 'a 3.0.0-rc.1' (registration #4)."),
            error.Message);
        Assert.Equal(["a"], error.PluginIds);
    }

    [Fact]
    public void MissingDependency_NamesThePluginAndTheDependency()
    {
        PluginConfigurationException error = Fails(M("a"), M("b", dependsOn: ["auth [2.0,)"]));

        Assert.Equal(Message("'b 1.0.0' depends on 'auth [2.0.0, )', which is not registered."), error.Message);
        Assert.Equal(["b", "auth"], error.PluginIds);
    }

    [Fact]
    public void MissingDependency_AnyVersion_NamesTheBareId()
    {
        PluginConfigurationException error = Fails(M("b", "0.1.0", dependsOn: ["auth"]));

        Assert.Equal(Message("'b 0.1.0' depends on 'auth', which is not registered."), error.Message);
    }

    [Fact]
    public void MissingDependency_IsNotSatisfiedByBeforeOrAfterOrADifferentCase()
    {
        PluginConfigurationException error = Fails(M("Auth"), M("b", dependsOn: ["auth"], after: ["auth"]));

        Assert.Equal(Message("'b 1.0.0' depends on 'auth', which is not registered."), error.Message);
    }

    [Theory]
    [InlineData("auth [2.0,)", "1.4.0", "'b 1.0.0' depends on 'auth [2.0.0, )', but 'auth 1.4.0' is registered.")]
    [InlineData("auth [1.0,2.0)", "2.0.0", "'b 1.0.0' depends on 'auth [1.0.0, 2.0.0)', but 'auth 2.0.0' is registered.")]
    [InlineData("auth [1.0]", "1.0.1", "'b 1.0.0' depends on 'auth [1.0.0]', but 'auth 1.0.1' is registered.")]
    [InlineData("auth (1.0,)", "1.0.0", "'b 1.0.0' depends on 'auth (1.0.0, )', but 'auth 1.0.0' is registered.")]
    [InlineData("auth 1.0", "1.0.0-rc.1", "'b 1.0.0' depends on 'auth [1.0.0, )', but 'auth 1.0.0-rc.1' is registered.")]
    public void DependencyOutOfRange_NamesTheRegisteredVersion(string dependency, string registered, string problem)
    {
        PluginConfigurationException error = Fails(M("auth", registered), M("b", dependsOn: [dependency]));

        Assert.Equal(Message(problem), error.Message);
        Assert.Equal(["b", "auth"], error.PluginIds);
    }

    [Fact]
    public void DependencyInRange_Resolves()
    {
        Assert.Equal(["auth", "b"], Ids([M("b", dependsOn: ["auth [1.0,2.0)"]), M("auth", "1.9.9")]));
    }

    [Fact]
    public void DependencyCycle_NamesEveryPluginInCycleOrder()
    {
        PluginConfigurationException error = Fails(
            M("free"),
            M("a", dependsOn: ["b"]),
            M("b", "2.0.0", dependsOn: ["c"]),
            M("c", dependsOn: ["a"]),
            M("downstream", dependsOn: ["a"]));

        Assert.Equal(
            Message("Dependency cycle: 'a 1.0.0' → 'b 2.0.0' → 'c 1.0.0' → 'a 1.0.0' (each depends on the next)."),
            error.Message);

        // 'downstream' is held back by the cycle but is not on it; 'free' is fine.
        Assert.Equal(["a", "b", "c"], error.PluginIds);
    }

    [Fact]
    public void DependencyCycle_StartsAtTheFirstRegisteredMember()
    {
        PluginConfigurationException error = Fails(M("c", dependsOn: ["a"]), M("a", dependsOn: ["b"]), M("b", dependsOn: ["c"]));

        Assert.Equal(
            Message("Dependency cycle: 'c 1.0.0' → 'a 1.0.0' → 'b 1.0.0' → 'c 1.0.0' (each depends on the next)."),
            error.Message);
        Assert.Equal(["c", "a", "b"], error.PluginIds);
    }

    [Fact]
    public void SelfDependency_IsACycle()
    {
        PluginConfigurationException error = Fails(M("a", dependsOn: ["a"]));

        Assert.Equal(Message("Dependency cycle: 'a 1.0.0' → 'a 1.0.0' (each depends on the next)."), error.Message);
        Assert.Equal(["a"], error.PluginIds);
    }

    [Fact]
    public void AfterCycle_IsAnOrderingCycle()
    {
        PluginConfigurationException error = Fails(M("a", after: ["b"]), M("b", after: ["c"]), M("c", after: ["a"]));

        Assert.Equal(
            Message("Ordering cycle: 'a 1.0.0' → 'b 1.0.0' → 'c 1.0.0' → 'a 1.0.0' (each must run after the next, by DependsOn, After or Before)."),
            error.Message);
        Assert.Equal(["a", "b", "c"], error.PluginIds);
    }

    [Fact]
    public void BeforeCycle_IsAnOrderingCycle()
    {
        // a before b before a.
        PluginConfigurationException error = Fails(M("a", before: ["b"]), M("b", before: ["a"]));

        Assert.Equal(
            Message("Ordering cycle: 'a 1.0.0' → 'b 1.0.0' → 'a 1.0.0' (each must run after the next, by DependsOn, After or Before)."),
            error.Message);
    }

    [Fact]
    public void MixedCycle_DependencyAndBefore()
    {
        // a needs b, but b must run after c, and c says it runs after a: a → b → c → a.
        PluginConfigurationException error = Fails(M("a", dependsOn: ["b"]), M("b", after: ["c"]), M("c", after: ["a"]));

        Assert.Equal(
            Message("Ordering cycle: 'a 1.0.0' → 'b 1.0.0' → 'c 1.0.0' → 'a 1.0.0' (each must run after the next, by DependsOn, After or Before)."),
            error.Message);
    }

    [Fact]
    public void BeforeOnItself_IsACycle()
    {
        PluginConfigurationException error = Fails(M("x"), M("a", before: ["a"]));

        Assert.Equal(
            Message("Ordering cycle: 'a 1.0.0' → 'a 1.0.0' (each must run after the next, by DependsOn, After or Before)."),
            error.Message);
        Assert.Equal(["a"], error.PluginIds);
    }

    [Fact]
    public void TwoSeparateCycles_AreTwoProblems()
    {
        PluginConfigurationException error = Fails(
            M("x", after: ["y"]),
            M("a", dependsOn: ["b"]),
            M("b", dependsOn: ["a"]),
            M("y", after: ["x"]));

        Assert.Equal(
            Message(
                "Ordering cycle: 'x 1.0.0' → 'y 1.0.0' → 'x 1.0.0' (each must run after the next, by DependsOn, After or Before).",
                "Dependency cycle: 'a 1.0.0' → 'b 1.0.0' → 'a 1.0.0' (each depends on the next)."),
            error.Message);
        Assert.Equal(["x", "y", "a", "b"], error.PluginIds);
    }

    [Fact]
    public void TangledCycles_NameEveryPluginCaughtInThem()
    {
        // a ⇄ b ⇄ c: the shortest cycle through 'a' is a → b → a, and 'c' is on another cycle through 'b'.
        PluginConfigurationException error = Fails(
            M("a", dependsOn: ["b"]),
            M("b", dependsOn: ["a", "c"]),
            M("c", dependsOn: ["b"]));

        Assert.Equal(
            Message("Dependency cycle: 'a 1.0.0' → 'b 1.0.0' → 'a 1.0.0' (each depends on the next). Also on cycles with them: 'c 1.0.0'."),
            error.Message);
        Assert.Equal(["a", "b", "c"], error.PluginIds);
    }

    [Fact]
    public void LongCycle_DoesNotOverflowTheStack_AndNamesEveryPlugin()
    {
        const int n = 20_000;
        PluginManifest[] ring = [.. Enumerable.Range(0, n).Select(i => M($"p{i}", dependsOn: [$"p{(i + 1) % n}"]))];

        PluginConfigurationException error = Fails(ring);

        Assert.Equal(n, error.PluginIds.Count);
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"p{i}"), error.PluginIds);
        Assert.StartsWith(Message("Dependency cycle: 'p0 1.0.0' → 'p1 1.0.0' → 'p2 1.0.0'"), error.Message, StringComparison.Ordinal);
        Assert.EndsWith("'p19999 1.0.0' → 'p0 1.0.0' (each depends on the next).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongChain_Resolves()
    {
        const int n = 20_000;
        PluginManifest[] chain = [.. Enumerable.Range(0, n).Select(i => M($"p{i}", dependsOn: i + 1 < n ? [$"p{i + 1}"] : []))];

        Assert.Equal(Enumerable.Range(0, n).Reverse(), PluginOrder.Resolve(chain));
    }

    [Fact]
    public void SeveralProblems_OneExceptionNamingEveryPluginInvolved()
    {
        PluginConfigurationException error = Fails(
            M("ok"),
            M("cache", "1.0.0", dependsOn: ["store", "auth [2.0,)"]),
            M("auth", "1.4.0"),
            M("x", dependsOn: ["y"]),
            M("cache", "1.1.0"),
            M("y", after: ["x"]),
            M("fine", dependsOn: ["ok"], before: ["ok2"]));

        Assert.Equal(
            Message(
                "Plugin id 'cache' is registered twice: 'cache 1.0.0' (registration #2) and 'cache 1.1.0' (registration #5).",
                "'cache 1.0.0' depends on 'store', which is not registered.",
                "'cache 1.0.0' depends on 'auth [2.0.0, )', but 'auth 1.4.0' is registered.",
                "Ordering cycle: 'x 1.0.0' → 'y 1.0.0' → 'x 1.0.0' (each must run after the next, by DependsOn, After or Before)."),
            error.Message);
        Assert.Equal(["cache", "store", "auth", "x", "y"], error.PluginIds);
        Assert.DoesNotContain("ok", error.PluginIds);
        Assert.DoesNotContain("fine", error.PluginIds);
    }

    [Fact]
    public void DuplicatesAreReported_InOrderOfTheirSecondRegistration()
    {
        PluginConfigurationException error = Fails(M("a"), M("b"), M("b", "2.0.0"), M("a", "2.0.0"));

        Assert.Equal(
            Message(
                "Plugin id 'b' is registered twice: 'b 1.0.0' (registration #2) and 'b 2.0.0' (registration #3).",
                "Plugin id 'a' is registered twice: 'a 1.0.0' (registration #1) and 'a 2.0.0' (registration #4)."),
            error.Message);
        Assert.Equal(["b", "a"], error.PluginIds);
    }

    [Fact]
    public void Resolve_RejectsNulls()
    {
        Assert.Throws<ArgumentNullException>(() => PluginOrder.Resolve(null!));
        Assert.Throws<ArgumentException>(() => PluginOrder.Resolve([M("a"), null!]));
    }
}
