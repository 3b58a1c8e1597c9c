using System.Diagnostics;
using System.Text.Json;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// Finds <c>node</c> and the <c>tests/Sdk.Tests/WebSockets/node</c> folder, and installs its <c>ws</c> package once per
/// process (<c>npm install</c>, 120 s at most) if missing. <see cref="SkipReason"/> says why Node tests cannot run.
/// </summary>
public static class NodeEnvironment
{
    /// <summary>The node folder, relative to the repository root.</summary>
    public const string RelativeFolder = "tests/Sdk.Tests/WebSockets/node";

    /// <summary>The <c>ws</c> version package.json pins.</summary>
    public const string WsVersion = "8.23.0";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromSeconds(120);
    private static readonly Lazy<string?> Reason = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary><see langword="null"/> when Node tests can run, else why not (one line).</summary>
    public static string? SkipReason => Reason.Value;

    /// <summary>The full path of the node folder (throws if the repository root, with Sdk.sln, is not found).</summary>
    public static string Folder => Path.Combine(RepositoryRoot(), "tests", "Sdk.Tests", "WebSockets", "node");

    /// <summary>The full path of <c>node</c> on PATH, or <see langword="null"/>.</summary>
    public static string? NodePath => FindOnPath("node");

    private static string? Prepare()
    {
        try
        {
            if (NodePath is null)
            {
                return "node was not found on PATH";
            }

            string folder = Folder;
            if (!File.Exists(Path.Combine(folder, "server.js")))
            {
                return $"{RelativeFolder}/server.js was not found";
            }

            if (InstalledWsVersion(folder) == WsVersion)
            {
                return null;
            }

            string? npm = FindOnPath("npm");
            if (npm is null)
            {
                return $"node_modules/ws is missing in {RelativeFolder} and npm was not found on PATH";
            }

            (int exitCode, string stderr) = Run(npm, "install --no-audit --no-fund --loglevel=error", folder, InstallTimeout);
            string firstLine = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {exitCode}";
            if (exitCode != 0)
            {
                return $"npm install in {RelativeFolder} failed: {firstLine}";
            }

            string? installed = InstalledWsVersion(folder);
            return installed == WsVersion ? null : $"npm install in {RelativeFolder} left ws {installed ?? "missing"} instead of {WsVersion}";
        }
        catch (Exception ex)
        {
            return $"Node tests could not be prepared: {ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>Walks up from the test assembly's folder to the folder holding Sdk.sln.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Sdk.sln above {AppContext.BaseDirectory}.");
    }

    private static string? InstalledWsVersion(string folder)
    {
        string manifest = Path.Combine(folder, "node_modules", "ws", "package.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out JsonElement version) ? version.GetString() : null;
    }

    private static string? FindOnPath(string name)
    {
        string[] names = OperatingSystem.IsWindows() ? [name + ".exe", name + ".cmd", name] : [name];
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string candidate in names)
            {
                string path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    private static (int ExitCode, string Stderr) Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
            return (-1, $"timed out after {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        _ = stdout.Wait(TimeSpan.FromSeconds(5));
        return (process.ExitCode, stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result : "");
    }
}
