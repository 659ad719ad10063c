using N3ttrace.Text;
using N3ttrace.Trail;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>
/// A TSV file of the trail read back as rows keyed by column name, fields unescaped, through the trail's one
/// reader (TrailReader): format-2 birth records and timeline rows come back joined to their process
/// certificates and reasons, as every command sees them.
/// </summary>
internal static class TsvFile
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        using var stream = TrailReader.OpenShared(path);
        var reader = new TrailReader();
        var rows = new List<Dictionary<string, string>>();
        foreach (var r in reader.Read(stream))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in r.Columns())
            {
                row[name] = System.Text.Encoding.UTF8.GetString(TextEscaper.Unescape(value));
            }
            rows.Add(row);
        }
        Assert.NotEmpty(reader.HeaderLine);
        Assert.True(reader.Malformed == 0, $"{path}: {reader.Malformed} row(s) whose field count differs from the header's");
        Assert.True(reader.Unresolved == 0, $"{path}: {reader.Unresolved} row(s) whose process certificate or reasons are not in the trail");
        return rows;
    }
}
