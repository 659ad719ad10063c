using System.Xml.Linq;

namespace N3ttrace.Architecture.Tests;

/// <summary>
/// Test projects mirror src/: tests/N3ttrace.X.Tests tests layer N3ttrace.X and references only that layer and the
/// layers it may reference, so a test sits with the lowest layer that holds everything it needs. Read from the
/// project files, so a new test project is checked without being listed here.
/// </summary>
public class TestProjectTests
{
    /// <summary>Projects that test the whole program (the published binary, the kernel, every parser): any layer.</summary>
    private static readonly string[] WholeProgram = ["N3ttrace.EndToEnd.Tests", "N3ttrace.Fuzz.Tests", "N3ttrace.Architecture.Tests"];

    public static TheoryData<string> TestProjects => new(Projects().Select(Path.GetFileNameWithoutExtension)!);

    [Theory]
    [MemberData(nameof(TestProjects))]
    public void Each_test_project_references_only_its_layer_and_the_layers_below(string project)
    {
        var references = References(project);
        if (WholeProgram.Contains(project))
        {
            return;
        }
        var tested = project[..^".Tests".Length];
        var layer = Layers.All.SingleOrDefault(l => l.Assembly == tested || (l == Layers.Cli && tested == "N3ttrace.Cli"));
        Assert.True(layer is not null, $"{project} tests no layer: name it after the assembly it tests, or list it as a whole-program project");
        var allowed = layer!.MayReference.Append(layer.Assembly == Layers.Cli.Assembly ? "N3ttrace" : layer.Assembly);
        var forbidden = references.Except(allowed).ToList();
        Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}, above its layer {layer.Assembly}: move the test to the project of the lowest layer that holds what it needs");
    }

    [Fact]
    public void Every_test_project_is_in_the_solution_that_make_test_runs()
    {
        var sln = File.ReadAllText(Path.Combine(RepoRoot(), "N3ttrace.sln"));
        foreach (var project in Projects())
        {
            var name = Path.GetFileName(project);
            Assert.True(sln.Contains($"tests\\{Path.GetFileNameWithoutExtension(name)}\\{name}", StringComparison.Ordinal), $"{name} is not in N3ttrace.sln: tests/run.sh would never run it");
        }
    }

    [Fact]
    public void The_checker_reads_real_references()
    {
        // Guards the test itself: if project files stopped being found or parsed, every rule above would pass.
        Assert.Contains("N3ttrace.Trail", References("N3ttrace.Trail.Tests"));
        Assert.Contains("N3ttrace", References("N3ttrace.Cli.Tests"));
        Assert.True(Projects().Count() >= 9);
    }

    /// <summary>The src projects a test project references directly, by project name.</summary>
    private static List<string> References(string project)
    {
        var file = Path.Combine(RepoRoot(), "tests", project, project + ".csproj");
        return XDocument.Load(file).Descendants("ProjectReference")
            .Select(r => (string)r.Attribute("Include")!)
            .Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))
            .ToList();
    }

    private static IEnumerable<string> Projects() =>
        Directory.EnumerateDirectories(Path.Combine(RepoRoot(), "tests"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal);

    private static string RepoRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "N3ttrace.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException($"no N3ttrace.sln above {AppContext.BaseDirectory}");
    }
}
