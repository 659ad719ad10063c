using System.Text.RegularExpressions;

namespace N3ttrace.EndToEnd.Tests.Export;

/// <summary>
/// The NativeAOT binary `make publish` leaves in artifacts/publish (`make test` publishes before testing,
/// so the minute of native compilation does not compete with the timing of the end-to-end tests),
/// and the log of that publish.
/// </summary>
internal static partial class PublishedBinary
{
    public static string Path
    {
        get
        {
            var path = System.IO.Path.Combine(Repo.Root, "artifacts", "publish", "n3ttrace");
            Assert.True(File.Exists(path), $"{path} missing: run `make publish` (`make test` does)");
            return path;
        }
    }

    public static string Log
    {
        get
        {
            var path = System.IO.Path.Combine(Repo.Root, "artifacts", "publish.log");
            Assert.True(File.Exists(path), $"{path} missing: run `make publish` (`make test` does)");
            return File.ReadAllText(path);
        }
    }

    /// <summary>Trim (IL2xxx) and AOT (IL3xxx) analysis warnings, as MSBuild prints them.</summary>
    public static IReadOnlyList<string> Warnings => Log.Split('\n').Where(l => IlWarning().IsMatch(l)).Distinct().ToList();

    [GeneratedRegex(@"(warning|error) IL[23]\d{3}")]
    private static partial Regex IlWarning();
}
