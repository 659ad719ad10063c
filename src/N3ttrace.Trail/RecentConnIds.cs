using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// The conn_ids of the last rows of a trail file: what a run that resumes a pinned kernel side must not write
/// twice. The ring buffer is freed only after the rows are written, so a consumer killed in between leaves records
/// in the ring whose rows are already in the file; the next run reads them again and skips these. A conn_id names
/// one socket's birth (boot, socket key, birth time), so only a true repeat is skipped.
/// </summary>
public static class RecentConnIds
{
    /// <summary>How much of the file's end is read: far more than the rows of one pipeline tick at full rate.</summary>
    public const long TailBytes = 32L << 20;

    /// <param name="evt">Only rows whose event column holds this (the timeline's deaths); null: every row.</param>
    public static HashSet<string> Read(StateDirectory dir, string file, long tailBytes = TailBytes, string? evt = null)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!dir.FileExists(file))
        {
            return ids;
        }
        using var stream = TrailReader.OpenShared(dir.FilePath(file));
        string? header;
        using (var first = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true))
        {
            header = first.ReadLine();
        }
        if (header is null || !TsvRow.Header(header).TryGetValue("conn_id", out var column))
        {
            return ids;
        }
        var eventColumn = -1;
        if (evt is not null && !TsvRow.Header(header).TryGetValue("event", out eventColumn))
        {
            return ids;
        }
        var start = Math.Max(0, stream.Length - tailBytes);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8, false, 1 << 16);
        if (start > 0)
        {
            reader.ReadLine(); // most likely a row cut by the seek
        }
        while (reader.ReadLine() is { } line)
        {
            var fields = TsvRow.Split(line);
            if (fields.Length > column && fields[column].Length > 0 && fields[column] != "conn_id"
                && (evt is null || (fields.Length > eventColumn && fields[eventColumn] == evt)))
            {
                ids.Add(fields[column]);
            }
        }
        return ids;
    }
}
