namespace N3ttrace.EndToEnd.Tests;

internal static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The CLI `make build` leaves behind; tests run the real program.</summary>
    public static string Cli
    {
        get
        {
            var path = Path.Combine(Root, "bin", ".app", "n3ttrace");
            Assert.True(File.Exists(path), $"{path} missing: run `make build` first");
            return path;
        }
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
