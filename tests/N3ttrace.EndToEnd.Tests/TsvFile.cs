using N3ttrace.Text;

namespace N3ttrace.EndToEnd.Tests;

/// <summary>A TSV file of the trail read back as rows keyed by column name, fields unescaped.</summary>
internal static class TsvFile
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.NotEmpty(lines);
        var header = lines[0].Split('\t');
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            Assert.True(f.Length == header.Length, $"{path}: row has {f.Length} fields, header {header.Length}: {line}");
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = System.Text.Encoding.UTF8.GetString(TextEscaper.Unescape(f[i]));
            }
            rows.Add(row);
        }
        return rows;
    }
}
