using System.Globalization;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// How far a trail has been shipped to one target: the chain_seq of the last birth record and of the last stored
/// timeline row delivered, and that row's time. Logical positions, never byte offsets, so they survive the trail
/// being split into segments or pruned. Kept in the state directory (fleet.cursor, 0600, one line per target),
/// replaced atomically (write, fsync, rename) only after ClickHouse acknowledged the batch: at-least-once.
/// </summary>
public sealed record ShipCursor(long Births, long Timeline, string TimelineTs)
{
    public const string FileName = "fleet.cursor";
    private const string Temp = FileName + ".tmp";

    public static readonly ShipCursor Start = new(0, 0, "");

    public static ShipCursor Load(StateDirectory dir, string target)
    {
        foreach (var line in Lines(dir))
        {
            var f = line.Split('\t');
            if (f.Length == 4 && f[0] == target && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                return new ShipCursor(b, t, f[3]);
            }
        }
        return Start;
    }

    public void Save(StateDirectory dir, string target)
    {
        var lines = Lines(dir).Where(l => !l.StartsWith(target + "\t", StringComparison.Ordinal)).ToList();
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{target}\t{Births}\t{Timeline}\t{TimelineTs}"));
        var tmp = dir.FilePath(Temp);
        File.Delete(tmp); // a symlink planted here is removed, never followed
        using (var s = dir.OpenAppend(Temp, 0))
        {
            s.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
            s.Flush(flushToDisk: true);
        }
        File.Move(tmp, dir.FilePath(FileName), overwrite: true);
    }

    private static List<string> Lines(StateDirectory dir)
    {
        if (!dir.FileExists(FileName))
        {
            return [];
        }
        using var s = dir.OpenRead(FileName);
        using var r = new StreamReader(s);
        return r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
