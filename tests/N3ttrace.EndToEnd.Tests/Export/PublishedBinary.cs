using System.Text.RegularExpressions;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// `make publish` run once per test run (it takes a minute: NativeAOT compiles the whole program),
/// shared by the release tests. Its output is kept so a test can check it had no trim or AOT warning.
/// </summary>
public sealed partial class PublishedBinary
{
    private readonly Lazy<CliProcess> _publish = new(() =>
    {
        // The trim and AOT analysis runs in the native compile step, which is skipped when its inputs are
        // unchanged; removing its output makes every test run see the warnings afresh.
        var native = System.IO.Path.Combine(Repo.Root, "src", "N3ttrace", "obj", "Release", "net10.0", "linux-x64", "native");
        if (Directory.Exists(native))
        {
            Directory.Delete(native, recursive: true);
        }
        return CliProcess.Run("make", ["-s", "publish"], Repo.Root, timeoutMs: 900_000);
    });

    internal CliProcess Publish => _publish.Value;

    public string Path => System.IO.Path.Combine(Repo.Root, "artifacts", "publish", "n3ttrace");

    /// <summary>Trim (IL2xxx) and AOT (IL3xxx) analysis warnings, as MSBuild prints them.</summary>
    public IReadOnlyList<string> Warnings =>
        (Publish.Stdout + Publish.Stderr).Split('\n').Where(l => IlWarning().IsMatch(l)).Distinct().ToList();

    [GeneratedRegex(@"warning IL[23]\d{3}")]
    private static partial Regex IlWarning();
}
