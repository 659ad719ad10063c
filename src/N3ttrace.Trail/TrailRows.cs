using N3ttrace.Text;

namespace N3ttrace.Trail;

/// <summary>Reads rows of one trail file for one conn_id (through <see cref="TrailReader"/>), fields unescaped (invalid bytes kept as by ArgvText).</summary>
public static class TrailRows
{
    public static List<Dictionary<string, string>> ForConnection(StateDirectory dir, string file, string connId)
    {
        var rows = new List<Dictionary<string, string>>();
        if (!dir.FileExists(file))
        {
            return rows;
        }
        using var stream = TrailReader.OpenShared(dir.FilePath(file));
        var reader = new TrailReader();
        foreach (var r in reader.Read(stream))
        {
            if (!reader.Header.ContainsKey("conn_id"))
            {
                throw new InvalidDataException($"{dir.FilePath(file)} has no conn_id column");
            }
            if (r["conn_id"] != connId)
            {
                continue;
            }
            var row = new Dictionary<string, string>(r.Header.Count, StringComparer.Ordinal);
            foreach (var (name, value) in r.Columns())
            {
                try
                {
                    row[name] = Lineage.ArgvText.Decode(TextEscaper.Unescape(value));
                }
                catch (FormatException e)
                {
                    // A field no writer could have escaped so: the trail is damaged (exit 1), not a crash.
                    throw new InvalidDataException($"{dir.FilePath(file)}: column {TextEscaper.Escape(name)} of {TextEscaper.Escape(connId)}: {e.Message}");
                }
            }
            rows.Add(row);
        }
        return rows;
    }
}
