using N3ttrace.Trail;

namespace N3ttrace.Export;

/// <summary>
/// The trail's checkpoint files, as found in the state directory: files whose name holds "checkpoint"
/// and the files of a checkpoints/ subdirectory. Keys and secrets are never taken, whatever their name,
/// and symbolic links are refused.
/// </summary>
public static class CheckpointFiles
{
    public static (List<BundleFile> Files, List<string> Notes) Collect(StateDirectory dir)
    {
        var files = new List<BundleFile>();
        var notes = new List<string>();
        var candidates = new List<(string Name, string Path)>();
        foreach (var p in Directory.EnumerateFiles(dir.Path))
        {
            var name = Path.GetFileName(p);
            if (name.Contains("checkpoint", StringComparison.OrdinalIgnoreCase))
            {
                candidates.Add((name, p));
            }
        }
        var sub = Path.Combine(dir.Path, BundleLayout.CheckpointDir);
        if (Directory.Exists(sub) && new DirectoryInfo(sub).LinkTarget is null)
        {
            candidates.AddRange(Directory.EnumerateFiles(sub).Select(p => (Path.GetFileName(p), p)));
        }
        foreach (var (name, path) in candidates.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (IsSecret(name))
            {
                notes.Add($"{Text.TextEscaper.Escape(name)} left out: it looks like a key");
                continue;
            }
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                notes.Add($"{Text.TextEscaper.Escape(name)} left out: symbolic link");
                continue;
            }
            files.Add(new BundleFile(name, File.ReadAllBytes(path)));
        }
        notes.Insert(0, files.Count == 0 ? "none in the state directory" : $"{files.Count} file(s) included");
        return (files, notes);
    }

    private static bool IsSecret(string name) =>
        name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);
}
