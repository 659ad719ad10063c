using System.Globalization;
using System.Text;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// Chooses which sealed segments retention removes, and removes them. Whole segments only, oldest first, and never the
/// newest sealed one (the live files chain onto its last row: a restart reads it) nor a live file. A segment goes when
/// all its rows are older than <see cref="TrailOptions.Retain"/>, or while the state directory holds more than
/// <see cref="TrailOptions.MaxDiskBytes"/>, or (one at a time) when the disk is full. The caller writes and seals the
/// anchors of the plan before it calls <see cref="Delete"/>.
/// </summary>
public static class SegmentPruner
{
    private static readonly string[] ChainedFiles = [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile];

    /// <summary>
    /// Room kept under --max-disk for what applying a plan writes after it was made: a prune record in each chained
    /// file and four checkpoint rows (each well under 1 KiB). Without it a prune that met the cap ended just over it.
    /// </summary>
    internal const long AnchorHeadroom = 8 * 1024;

    /// <summary>The prune due now, or null. Reads the segments it would remove (their spans and last heads).</summary>
    public static PrunePlan? Plan(StateDirectory dir, TrailOptions opt, DateTime now, bool diskFull)
    {
        if (!opt.Prunes)
        {
            return null;
        }
        var byNumber = new SortedDictionary<long, List<(string File, SegmentFile Segment)>>();
        foreach (var file in ChainedFiles)
        {
            foreach (var seg in TrailSegments.List(dir.Path, file))
            {
                if (!byNumber.TryGetValue(seg.Number, out var list))
                {
                    byNumber[seg.Number] = list = [];
                }
                list.Add((file, seg));
            }
        }
        var numbers = byNumber.Keys.ToList();
        if (numbers.Count <= 1)
        {
            return null; // the newest sealed segment always stays
        }
        var index = SegmentIndex.Load(dir.Path);
        var total = DirectoryBytes(dir.Path);
        var cutoff = opt.Retain > TimeSpan.Zero ? Time.Timestamp.ToRecord(now - opt.Retain) : null;
        var chosen = new List<long>();
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var n in numbers.Take(numbers.Count - 1))
        {
            var size = byNumber[n].Sum(x => Length(x.Segment.Path));
            var old = cutoff is not null && string.CompareOrdinal(LastTs(index, byNumber[n]), cutoff) < 0;
            var over = opt.MaxDiskBytes > 0 && total + AnchorHeadroom > opt.MaxDiskBytes;
            var full = diskFull && chosen.Count == 0;
            if (!old && !over && !full)
            {
                break; // oldest first: the first segment to keep ends the plan
            }
            reasons.Add(old ? "age" : over ? "size" : "disk-full");
            chosen.Add(n);
            total -= size;
            bytes += size;
        }
        if (chosen.Count == 0)
        {
            return null;
        }
        var reason = string.Join('+', reasons);
        var files = new List<PrunedFile>();
        long? connections = null;
        foreach (var file in ChainedFiles)
        {
            var segs = chosen.SelectMany(n => byNumber[n].Where(x => x.File == file).Select(x => x.Segment)).ToList();
            if (segs.Count == 0)
            {
                continue;
            }
            var span = Scan(segs);
            // Connections are birth records: counted in the birth records, said in both anchors.
            connections ??= file == StateDirectory.BirthRecordsFile ? span.DataRows : null;
            files.Add(new PrunedFile(file, segs, new PruneRecord(Number(segs[0]), Number(segs[^1]), segs.Count, span.FirstSeq, span.LastSeq,
                span.FirstTs, span.LastTs, 0, span.LastHead, reason)));
        }
        files = files.Select(f => f with { Record = f.Record with { Connections = connections ?? 0 } }).ToList();
        return new PrunePlan(chosen, files, bytes);
    }

    /// <summary>Removes the plan's segments (plain, compressed, or a compression's leftover) and syncs the directory.</summary>
    public static void Delete(StateDirectory dir, PrunePlan plan)
    {
        foreach (var n in plan.Numbers)
        {
            foreach (var file in ChainedFiles)
            {
                foreach (var name in new[] { TrailSegments.Name(file, n), TrailSegments.Name(file, n, compressed: true), TrailSegments.Name(file, n, compressed: true) + ".tmp" })
                {
                    File.Delete(dir.FilePath(name)); // no error when absent
                }
            }
        }
        dir.SyncDirectory();
    }

    /// <summary>Bytes of the regular files directly in the state directory (what --max-disk caps).</summary>
    public static long DirectoryBytes(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles().Where(f => !f.Attributes.HasFlag(FileAttributes.ReparsePoint)).Sum(f => f.Length);

    private static long Length(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Number(SegmentFile s) => s.Number.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The latest row time of a segment number: from the index, else from its last row.</summary>
    private static string LastTs(Dictionary<(string File, long Number), SegmentIndexEntry> index, List<(string File, SegmentFile Segment)> parts)
    {
        var last = "";
        foreach (var (file, seg) in parts)
        {
            var ts = index.TryGetValue((file, seg.Number), out var e) ? e.LastTs : Scan([seg]).LastTs;
            last = string.CompareOrdinal(ts, last) > 0 ? ts : last;
        }
        return last;
    }

    private sealed record Span(long FirstSeq, long LastSeq, string FirstTs, string LastTs, long DataRows, string LastHead);

    /// <summary>One pass over segments of one file: seq and time span, data rows, and the chain head on the last row.</summary>
    private static Span Scan(List<SegmentFile> segments)
    {
        long firstSeq = -1, lastSeq = -1, dataRows = 0;
        string firstTs = "", lastTs = "", lastHead = "";
        foreach (var seg in segments)
        {
            using var s = TrailStream.OpenPart(seg);
            using var reader = new StreamReader(s, new UTF8Encoding(false), false, 1 << 16);
            var names = (reader.ReadLine() ?? throw new InvalidDataException($"{seg.Path} is empty")).Split('\t');
            var seqCol = Array.IndexOf(names, "chain_seq");
            if (seqCol < 0)
            {
                throw new InvalidDataException($"{seg.Path} is not a chained file");
            }
            string? last = null;
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split('\t');
                if (f.Length != names.Length || !long.TryParse(f[seqCol], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                {
                    continue;
                }
                firstSeq = firstSeq < 0 ? seq : firstSeq;
                lastSeq = seq;
                if (f[seqCol + 1].Length == 0)
                {
                    dataRows++;
                }
                var ts = f[0];
                if (ts.Length > 0)
                {
                    firstTs = firstTs.Length == 0 || string.CompareOrdinal(ts, firstTs) < 0 ? ts : firstTs;
                    lastTs = string.CompareOrdinal(ts, lastTs) > 0 ? ts : lastTs;
                }
                last = line;
            }
            // A sealed segment ends on a row that stores its chain head (unsealed files: the last column).
            lastHead = last?[(last.LastIndexOf('\t') + 1)..] ?? "";
        }
        if (firstSeq < 0 || lastHead.Length != ChainHash.HexLength)
        {
            throw new InvalidDataException($"{segments[^1].Path} does not end on a stored chain head; run 'n3ttrace verify'");
        }
        return new Span(firstSeq, lastSeq, firstTs, lastTs, dataRows, lastHead);
    }
}
