using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// The complete chained trail files (birth records, timeline, checkpoints) as the state directory
/// holds them, up to their last whole row. A bundle carries them under trail/ so that the chain and,
/// with the verification key, the seals can be checked offline: the window's extract alone could not
/// be, since its rows are a selection. Keys never leave the host.
/// </summary>
public static class ChainFiles
{
    public static readonly IReadOnlyList<string> Names =
        [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName];

    /// <summary>The dictionaries of a format-2 trail (process certificates, reasons): included when present.</summary>
    public static readonly IReadOnlyList<string> Dictionaries = [ProcessCertificateColumns.FileName, ReasonColumns.FileName];

    public static (List<BundleFile> Files, List<string> Notes) Collect(StateDirectory dir)
    {
        var files = new List<BundleFile>();
        var notes = new List<string>();
        foreach (var name in Names.Concat(Dictionaries))
        {
            if (!dir.FileExists(name) && Dictionaries.Contains(name))
            {
                continue; // a format-1 trail has none
            }
            if (!dir.FileExists(name))
            {
                notes.Add($"{name} missing in the state directory");
                continue;
            }
            using var s = TrailReader.OpenShared(dir.FilePath(name));
            var bytes = new byte[s.Length];
            s.ReadExactly(bytes);
            // A row `run` is still appending is not part of the chain yet.
            var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            files.Add(new BundleFile(name, bytes[..end]));
        }
        notes.Insert(0, $"{files.Count} chained file(s) included whole under {BundleLayout.ChainDir}/");
        return (files, notes);
    }

    /// <summary>chain_hash of the last row of a chained file: the head the manifest records.</summary>
    public static string? Head(byte[] content)
    {
        var text = System.Text.Encoding.UTF8.GetString(content);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            return null;
        }
        var header = lines[0].Split('\t');
        var col = Array.IndexOf(header, ChainColumns.Hash) is var h and >= 0 ? h : Array.IndexOf(header, ChainColumns.Head); // format 3: on the last row
        var last = lines[^1].Split('\t');
        return col >= 0 && col < last.Length ? last[col] : null;
    }
}
