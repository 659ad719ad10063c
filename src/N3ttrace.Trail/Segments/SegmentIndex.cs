using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// segments.tsv: one line per sealed segment (<see cref="SegmentIndexEntry"/>), appended when the segment is compressed.
/// It only makes reading faster (`at`, `query` open the segments that overlap their window; a compressed segment's
/// length is known without decompressing it): `verify` never reads it and reads every segment. A segment without a
/// line is always read.
/// </summary>
public static class SegmentIndex
{
    public const string FileName = "segments.tsv";
    public const string Header = "file\tnumber\tplain_bytes\trows\tfirst_ts\tlast_ts\tfirst_seq\tlast_seq\tfirst_keyframe_ts";

    /// <summary>Rows written a little after the time they carry (queue lag) can sit in the next segment: windows are widened by this.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(60);

    public static Dictionary<(string File, long Number), SegmentIndexEntry> Load(string directory)
    {
        var entries = new Dictionary<(string, long), SegmentIndexEntry>();
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return entries;
        }
        using var s = TrailReader.OpenShared(path);
        using var r = new StreamReader(s, Encoding.UTF8);
        if (r.ReadLine() != Header)
        {
            return entries; // not ours: read every segment
        }
        while (r.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length != 9 || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                || !long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var rows)
                || !long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var firstSeq)
                || !long.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var lastSeq))
            {
                continue;
            }
            entries[(f[0], number)] = new SegmentIndexEntry(f[0], number, bytes, rows, f[4], f[5], firstSeq, lastSeq, f[8]);
        }
        return entries;
    }

    public static void Append(StateDirectory dir, SegmentIndexEntry e)
    {
        var create = !dir.FileExists(FileName);
        using var fs = dir.OpenAppend(FileName, 0);
        var line = string.Join('\t', e.File, e.Number.ToString(CultureInfo.InvariantCulture), e.PlainBytes.ToString(CultureInfo.InvariantCulture),
            e.Rows.ToString(CultureInfo.InvariantCulture), e.FirstTs, e.LastTs, e.FirstSeq.ToString(CultureInfo.InvariantCulture),
            e.LastSeq.ToString(CultureInfo.InvariantCulture), e.FirstKeyframeTs) + "\n";
        fs.Write(Encoding.UTF8.GetBytes((create ? Header + "\n" : "") + line));
        fs.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The segments a reader of [<paramref name="from"/>, <paramref name="until"/>] needs: those whose span overlaps
    /// the window (widened by <see cref="Slack"/>) or that the index does not know, and with
    /// <paramref name="keyframe"/> also the segments back to one whose first keyframe is at or before the window's start
    /// (time travel replays from a keyframe).
    /// </summary>
    public static List<SegmentFile> Select(string directory, List<SegmentFile> segments, string fileName, DateTime? from, DateTime? until, bool keyframe)
    {
        if (from is null && until is null)
        {
            return segments;
        }
        var index = Load(directory);
        var lo = from is { } f ? Time.Timestamp.ToRecord(f - Slack) : null;
        var hi = until is { } u ? Time.Timestamp.ToRecord(u + Slack) : null;
        var keep = new bool[segments.Count];
        var firstKept = segments.Count;
        for (var i = 0; i < segments.Count; i++)
        {
            if (!index.TryGetValue((fileName, segments[i].Number), out var e)
                || ((lo is null || string.CompareOrdinal(e.LastTs, lo) >= 0) && (hi is null || string.CompareOrdinal(e.FirstTs, hi) <= 0)))
            {
                keep[i] = true;
                firstKept = Math.Min(firstKept, i);
            }
        }
        // Keyframes are in the timeline; the birth records are cut at the same instants under the same numbers.
        var own = firstKept < segments.Count && index.TryGetValue((StateDirectory.TimelineFile, segments[firstKept].Number), out var k)
            && k.FirstKeyframeTs.Length > 0 && string.CompareOrdinal(k.FirstKeyframeTs, lo ?? "") <= 0;
        if (keyframe && lo is not null && !own)
        {
            // Back from the first segment kept (or from the live file) to one that holds a keyframe early enough.
            for (var i = Math.Min(firstKept, segments.Count) - 1; i >= 0; i--)
            {
                keep[i] = true;
                if (index.TryGetValue((StateDirectory.TimelineFile, segments[i].Number), out var e) && e.FirstKeyframeTs.Length > 0 && string.CompareOrdinal(e.FirstKeyframeTs, lo) <= 0)
                {
                    break;
                }
            }
        }
        return segments.Where((_, i) => keep[i]).ToList();
    }
}
