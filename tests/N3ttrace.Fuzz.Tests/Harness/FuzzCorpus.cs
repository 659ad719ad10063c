using System.Security.Cryptography;

namespace N3ttrace.Fuzz.Tests.Harness;

/// <summary>tests/N3ttrace.Fuzz.Tests/FuzzCorpus/&lt;target&gt;/ in the source tree: committed seeds and every crash found.</summary>
public static class FuzzCorpus
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Directory(string target) => Path.Combine(RepoRoot, "tests", "N3ttrace.Fuzz.Tests", "FuzzCorpus", target);

    public static IReadOnlyList<string> Files(string target) =>
        System.IO.Directory.Exists(Directory(target))
            ? [.. System.IO.Directory.GetFiles(Directory(target)).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Writes a crashing input as crash-&lt;sha256 prefix&gt; (named by content: the same crash is one file).</summary>
    public static string SaveCrash(string target, byte[] input)
    {
        System.IO.Directory.CreateDirectory(Directory(target));
        var path = Path.Combine(Directory(target), "crash-" + Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
        File.WriteAllBytes(path, input);
        return path;
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "N3ttrace.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }
}
