using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// The window retention removed from a chained file, as a gap record for `at` and `query`: everything before the first row
/// still present, when that row's chain_seq is not 1. (Whether the removal was a proper prune is verify's question; to a
/// reader the answer is incomplete either way.)
/// </summary>
public static class PrunedWindow
{
    public const string Cause = "pruned";

    public static GapRecord? Of(string path)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        var segments = TrailSegments.List(directory, Path.GetFileName(path));
        if (segments.Count == 0 || segments[0].Number == 1)
        {
            return null; // never cut, or its first segment (which begins the chain) is still here
        }
        // The index knows the first row of a compressed segment: no need to open it.
        var name = Path.GetFileName(path);
        if (SegmentIndex.Load(directory).TryGetValue((name, segments[0].Number), out var e) && e.FirstSeq > 0 && GapRecord.TryTs(e.FirstTs, out var indexed))
        {
            return e.FirstSeq > 1 ? new GapRecord(Cause, null, DateTime.MinValue, indexed) : null;
        }
        using var s = TrailStream.OpenPart(segments[0]);
        using var reader = new StreamReader(s, new UTF8Encoding(false), false, 1 << 12);
        var names = reader.ReadLine()?.Split('\t');
        var seqCol = names is null ? -1 : Array.IndexOf(names, "chain_seq");
        if (seqCol < 0 || reader.ReadLine()?.Split('\t') is not { } first || first.Length != names!.Length
            || !long.TryParse(first[seqCol], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq <= 1
            || !GapRecord.TryTs(first[0], out var ts))
        {
            return null;
        }
        return new GapRecord(Cause, null, DateTime.MinValue, ts);
    }
}
