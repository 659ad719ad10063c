using N3ttrace.Text;

namespace N3ttrace.Trail;

/// <summary>Reads rows of one trail file for one conn_id, fields unescaped (invalid bytes kept as by ArgvText).</summary>
public static class TrailRows
{
    public static List<Dictionary<string, string>> ForConnection(StateDirectory dir, string file, string connId)
    {
        var rows = new List<Dictionary<string, string>>();
        if (!dir.FileExists(file))
        {
            return rows;
        }
        using var r = new StreamReader(dir.OpenRead(file));
        if (r.ReadLine() is not { } headerLine)
        {
            return rows;
        }
        var header = TsvRow.Split(headerLine);
        var idCol = Array.IndexOf(header, "conn_id");
        if (idCol < 0)
        {
            throw new InvalidDataException($"{dir.FilePath(file)} has no conn_id column");
        }
        while (r.ReadLine() is { } line)
        {
            var f = TsvRow.Split(line);
            if (f.Length != header.Length || f[idCol] != connId)
            {
                continue;
            }
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = Lineage.ArgvText.Decode(TextEscaper.Unescape(f[i]));
            }
            rows.Add(row);
        }
        return rows;
    }
}
