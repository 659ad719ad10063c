using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// Finds the gap records of one chained file whose window overlaps [from, to] (either end open), so that `at` and
/// `query` can say an answer is incomplete. Only the chain_event column is looked at (data rows have it empty), so the
/// scan costs little more than reading the bytes. A gap row is written when the gap ends (its ts is the window's end),
/// so rows before the window cannot hold one that overlaps it; after the window, the scan ends at the first stop or
/// epoch row written later than it: every gap written after either begins at or after that row.
/// </summary>
public static class GapScan
{
    /// <summary>Rows are only nearly ordered by ts: a stop or epoch row this close to the window does not end the scan.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(60);

    public static List<GapRecord> Overlapping(string path, DateTime? from, DateTime? to, long startOffset = 0, bool keyframeWindow = false)
    {
        var gaps = new List<GapRecord>();
        if (!TrailReader.TrailExists(path))
        {
            return gaps;
        }
        if (Segments.PrunedWindow.Of(path) is { } pruned && pruned.Overlaps(from, to))
        {
            gaps.Add(pruned); // retention removed the rows before the first one left
        }
        // The segments from the window's start on (a gap row is written when its window ends, so at or after it); with
        // keyframeWindow the same first segments as `at` opened, so startOffset (an offset in its stream) means the same row.
        using var fs = TrailStream.Open(path, from, null, keyframeWindow);
        var head = new byte[64 * 1024];
        var n = fs.ReadAt(head, 0);
        var nl = head.AsSpan(0, n).IndexOf((byte)'\n');
        if (nl < 0)
        {
            return gaps;
        }
        // Columns counted from the end: chain_event is before chain_hash (format 2), or before chain_prev and chain_hash (format 1).
        var names = Encoding.UTF8.GetString(head, 0, nl).Split('\t');
        var evt = Array.IndexOf(names, ChainColumns.EventColumn);
        if (evt < 0)
        {
            return gaps;
        }
        fs.Seek(Math.Max(startOffset, nl + 1), SeekOrigin.Begin); // an offset is always a line start
        using var reader = new ByteLineReader(fs);
        return Scan(reader, names.Length - 1 - evt, from, to, gaps);
    }

    private static List<GapRecord> Scan(ByteLineReader reader, int fromEnd, DateTime? from, DateTime? to, List<GapRecord> gaps)
    {
        DateTime? previous = null;
        Span<byte> lastTs = stackalloc byte[27];
        var haveLast = false;
        while (reader.Next(out var line, out var terminated))
        {
            if (!terminated)
            {
                break; // being written
            }
            var field = ColumnFromEnd(line, fromEnd);
            if (field.IsEmpty)
            {
                if (line.Length >= 27)
                {
                    line[..27].CopyTo(lastTs);
                    haveLast = true;
                }
                continue;
            }
            if (line.Length < 27 || !GapRecord.TryTs(Encoding.ASCII.GetString(line[..27]), out var ts))
            {
                continue;
            }
            if (haveLast && GapRecord.TryTs(Encoding.ASCII.GetString(lastTs), out var p))
            {
                previous = p;
            }
            line[..27].CopyTo(lastTs);
            haveLast = true;
            var text = Encoding.UTF8.GetString(field);
            if (GapRecord.Parse(text, ts, previous) is { } g)
            {
                if (g.Overlaps(from, to))
                {
                    gaps.Add(g);
                }
            }
            else if (to is { } end && ts > end + Slack && (text == ChainColumns.Stop || text.StartsWith(ChainColumns.Epoch + " ", StringComparison.Ordinal)))
            {
                break;
            }
        }
        return gaps;
    }

    /// <summary>The n-th tab-separated field counted from the end (0: the last).</summary>
    private static ReadOnlySpan<byte> ColumnFromEnd(ReadOnlySpan<byte> line, int n)
    {
        var rest = line;
        for (var i = 0; i < n; i++)
        {
            var t = rest.LastIndexOf((byte)'\t');
            if (t < 0)
            {
                return default;
            }
            rest = rest[..t];
        }
        var s = rest.LastIndexOf((byte)'\t');
        return s < 0 ? default : rest[(s + 1)..];
    }
}
