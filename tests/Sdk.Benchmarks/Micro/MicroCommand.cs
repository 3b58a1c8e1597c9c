using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace Sdk.Benchmarks.Micro;

/// <summary>
/// <c>micro [BenchmarkDotNet args]</c>. Runs in process by default (<c>--inProcess</c> is added) so BenchmarkDotNet does
/// not rebuild the solution into the source tree; pass <c>--outOfProcess</c> to get its usual child-process toolchain.
/// Without <c>--filter</c> every benchmark runs. Results go to a temporary folder unless <c>--artifacts</c> says where.
/// </summary>
internal static class MicroCommand
{
    public static int Run(string[] args)
    {
        var rest = new List<string>(args);
        if (!rest.Remove("--outOfProcess") && !rest.Contains("--inProcess") && !rest.Contains("-i"))
        {
            rest.Add("--inProcess");
        }

        if (!rest.Contains("--filter") && !rest.Contains("-f"))
        {
            rest.AddRange(["--filter", "*"]);
        }

        IConfig config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "Sdk.Benchmarks.Artifacts"));
        BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run([.. rest], config);
        return 0;
    }
}
