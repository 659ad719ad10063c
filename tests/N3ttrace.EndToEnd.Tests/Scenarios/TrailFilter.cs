using N3ttrace.Text;

namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>
/// Reads only the trail rows whose rport is one of ours. Other engineers' benchmarks run on this host at
/// the same time and fill the trail with hundreds of thousands of rows; parsing only ours keeps the suite fast.
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
        var rows = new List<Dictionary<string, string>>();
        while (r.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length != header.Length || !wanted.Contains(f[col]))
            {
                continue;
            }
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = System.Text.Encoding.UTF8.GetString(TextEscaper.Unescape(f[i]));
            }
            rows.Add(row);
        }
        return rows;
    }
}
