using N3ttrace.Text;
using N3ttrace.Trail;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// Reads only the trail rows whose rport is one of ours. Other engineers' benchmarks run on this host at
/// the same time and fill the trail with hundreds of thousands of rows; parsing only ours keeps the suite fast.
/// Rows of a format-2 trail are joined to their process certificates and reasons as TrailReader joins them.
/// </summary>
internal static class TrailFilter
{
    public static List<Dictionary<string, string>> Read(string path, IEnumerable<int> ports)
    {
        var wanted = ports.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        using var r = new StreamReader(path);
        var header = (r.ReadLine() ?? throw new InvalidDataException($"{path} is empty")).Split('\t');
        var col = Array.IndexOf(header, "rport");
        Assert.True(col >= 0, $"{path} has no rport column");
        var stored = TsvRow.Header(string.Join('\t', header));
        if (TimelineMerge.Applies(stored))
        {
            return Merged(path, wanted); // format 3: births and a death's rport are in the birth records
        }
        var join = RowJoin.Needed(stored) ? RowJoin.For(stored, TrailDictionary.Load(Path.GetDirectoryName(Path.GetFullPath(path))!)) : null;
        var names = join is null ? header : join.HeaderLine.Split('\t');
        var rows = new List<Dictionary<string, string>>();
        while (r.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length != header.Length || !wanted.Contains(f[col]))
            {
                continue;
            }
            if (join is not null)
            {
                f = join.Fields(f);
            }
            var row = new Dictionary<string, string>(names.Length, StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                row[names[i]] = System.Text.Encoding.UTF8.GetString(TextEscaper.Unescape(f[i]));
            }
            rows.Add(row);
        }
        return rows;
    }

    private static List<Dictionary<string, string>> Merged(string path, HashSet<string> wanted)
    {
        using var stream = TrailReader.OpenShared(path);
        var rows = new List<Dictionary<string, string>>();
        foreach (var row in new TrailReader().Read(stream))
        {
            if (wanted.Contains(row["rport"]))
            {
                rows.Add(row.Columns().ToDictionary(c => c.Name, c => System.Text.Encoding.UTF8.GetString(TextEscaper.Unescape(c.Value)), StringComparer.Ordinal));
            }
        }
        return rows;
    }
}
