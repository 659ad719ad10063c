using System.Globalization;
using System.Text;
using N3ttrace.Time;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail.Export;

/// <summary>
/// The chain proof of a bundle, under trail/: for the birth records and the timeline the whole segments that hold the
/// window (copied byte for byte, compressed ones as they are) and the live file when the window reaches it; the
/// hash and chain_seq of the row just before each part (chain_starts.tsv); and checkpoints.tsv and the dictionaries
/// whole (they are small). `verify --bundle` recomputes each part's chain from its start, and every checkpoint that
/// seals a row inside the part must match: that links the part, its start included, to the sealed trail.
/// </summary>
public static class ChainProof
{
    public const string StartsFile = "chain_starts.tsv";
    public const string StartsHeader = "file\tseq\thash\tpart";
    /// <summary>Directory prefix of an earlier run of birth-record segments under trail/.</summary>
    public const string EarlierPrefix = "earlier-";

    /// <summary>The chained files whose parts are carried; the rest of trail/ is whole.</summary>
    public static readonly IReadOnlyList<string> PartFiles = [StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile];

    /// <summary>Files carried whole (when present): the checkpoints and the format-2 dictionaries.</summary>
    public static readonly IReadOnlyList<string> WholeFiles = [CheckpointColumns.FileName, ProcessCertificateColumns.FileName, ReasonColumns.FileName];

    /// <summary>The part of <paramref name="file"/> that holds [<paramref name="from"/>, <paramref name="until"/>).</summary>
    public static ChainPart Choose(StateDirectory dir, string file, DateTime from, DateTime until)
    {
        var all = TrailSegments.List(dir.Path, file);
        var liveExists = dir.FileExists(file);
        if (all.Count == 0)
        {
            return new ChainPart(file, [], liveExists, null);
        }
        var chosen = SegmentIndex.Select(dir.Path, all, file, from, until, keyframe: false);
        var index = SegmentIndex.Load(dir.Path);
        int a, b;
        if (chosen.Count == 0)
        {
            (a, b) = (all.Count, all.Count - 1); // after the last segment: the live file alone
        }
        else
        {
            a = all.FindIndex(s => s.Number == chosen[0].Number);
            b = all.FindIndex(s => s.Number == chosen[^1].Number);
        }
        // The live file is needed when the window may reach past the last segment the part holds.
        var live = liveExists && b == all.Count - 1
            && (!index.TryGetValue((file, all[b].Number), out var e) || string.CompareOrdinal(e.LastTs, Timestamp.ToRecord(until + SegmentIndex.Slack)) < 0);
        var start = StartBefore(all, ref a);
        return new ChainPart(file, all.GetRange(a, Math.Max(0, b - a + 1)), live, start);
    }

    /// <summary>The chain start before segment <paramref name="a"/>. Format 3 stores the hash on the last row of each
    /// write only: <paramref name="a"/> goes back to a segment whose predecessor ends with a stored one.</summary>
    private static ChainStart? StartBefore(List<SegmentFile> all, ref int a)
    {
        while (a > 0)
        {
            if (LastRow(all[a - 1]) is { } s)
            {
                return s;
            }
            a--;
        }
        return null;
    }

    /// <summary>
    /// Earlier runs of birth-record segments: those that hold <paramref name="births"/> (birth times before the window)
    /// and are not in <paramref name="main"/>, consecutive ones joined, each extended to a segment a checkpoint seals a
    /// row of (a run no seal reaches would not be linked to the trail).
    /// </summary>
    public static List<ChainPart> Earlier(StateDirectory dir, ChainPart main, IEnumerable<DateTime> births, bool all = false)
    {
        var everything = all;
        var file = main.File;
        var segments = TrailSegments.List(dir.Path, file);
        var index = SegmentIndex.Load(dir.Path);
        var taken = main.Segments.Select(s => s.Number).ToHashSet();
        var firstMain = main.Segments.Count > 0 ? segments.FindIndex(s => s.Number == main.Segments[0].Number) : segments.Count;
        var want = new SortedSet<int>(everything ? Enumerable.Range(0, firstMain) : []);
        foreach (var t in births)
        {
            foreach (var s in SegmentIndex.Select(dir.Path, segments, file, t, t, keyframe: false))
            {
                var i = segments.FindIndex(x => x.Number == s.Number);
                if (i < firstMain && !taken.Contains(s.Number))
                {
                    want.Add(i);
                }
            }
        }
        var sealedSeqs = SealedSeqs(dir, file);
        var ranges = new List<(int A, int B)>();
        foreach (var i in want)
        {
            if (ranges.Count > 0 && i <= ranges[^1].B + 1)
            {
                ranges[^1] = (ranges[^1].A, Math.Max(ranges[^1].B, i));
                continue;
            }
            var end = i;
            // Forward to a segment holding a sealed row (up to the main part at most).
            while (end + 1 < firstMain && !HoldsSeal(index, file, segments[end], sealedSeqs))
            {
                end++;
            }
            ranges.Add((i, end));
        }
        var runs = new List<(int A, int B, ChainStart? Start)>();
        foreach (var (a0, b0) in ranges)
        {
            var a = a0;
            var start = StartBefore(segments, ref a);
            if (runs.Count > 0 && a <= runs[^1].B + 1)
            {
                runs[^1] = (runs[^1].A, b0, runs[^1].Start); // walked back into the run before: one run
            }
            else
            {
                runs.Add((a, b0, start));
            }
        }
        return runs.Select(r => new ChainPart(file, segments.GetRange(r.A, r.B - r.A + 1), false, r.Start,
            EarlierPrefix + segments[r.A].Number.ToString("D6", CultureInfo.InvariantCulture))).ToList();
    }

    private static bool HoldsSeal(Dictionary<(string, long), SegmentIndexEntry> index, string file, SegmentFile s, List<long> sealedSeqs) =>
        !index.TryGetValue((file, s.Number), out var e) || e.FirstSeq < 0
        || sealedSeqs.BinarySearch(e.FirstSeq) is var k && (k >= 0 || (~k < sealedSeqs.Count && sealedSeqs[~k] <= e.LastSeq));

    /// <summary>The row counts the checkpoints sealed of <paramref name="file"/>, ascending.</summary>
    private static List<long> SealedSeqs(StateDirectory dir, string file)
    {
        var seqs = new List<long>();
        if (!dir.FileExists(CheckpointColumns.FileName))
        {
            return seqs;
        }
        using var s = TrailStream.OpenFile(dir.FilePath(CheckpointColumns.FileName));
        using var r = new StreamReader(s, new UTF8Encoding(false));
        var names = (r.ReadLine() ?? "").Split('\t');
        var fileCol = Array.IndexOf(names, "file");
        var rowsCol = Array.IndexOf(names, "rows");
        while (fileCol >= 0 && rowsCol >= 0 && r.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length == names.Length && f[fileCol] == file && long.TryParse(f[rowsCol], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                seqs.Add(n);
            }
        }
        seqs.Sort();
        return seqs;
    }

    /// <summary>chain_seq and stored hash of the last row of a sealed segment, or null when the hash is not stored there.</summary>
    internal static ChainStart? LastRow(SegmentFile segment)
    {
        using var s = TrailStream.OpenPart(segment);
        var header = ReadLine(s, 0);
        var end = s.Length - 1;
        var nl = s.LastNewline(end);
        if (header is null || end < 0 || nl < 0)
        {
            return null;
        }
        var line = ReadLine(s, nl + 1);
        var names = header.Split('\t');
        var f = line?.Split('\t');
        var seqCol = Array.IndexOf(names, "chain_seq");
        var hashCol = Array.IndexOf(names, ChainColumns.Hash) is var h and >= 0 ? h : Array.IndexOf(names, ChainColumns.Head);
        if (f is null || f.Length != names.Length || seqCol < 0 || hashCol < 0
            || !long.TryParse(f[seqCol], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || f[hashCol].Length != ChainHash.HexLength)
        {
            return null;
        }
        return new ChainStart(seq, f[hashCol]);
    }

    private static string? ReadLine(TrailStream s, long offset)
    {
        var buf = new byte[64 * 1024];
        using var ms = new MemoryStream();
        s.Position = offset;
        int n;
        while ((n = s.Read(buf)) > 0)
        {
            var i = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (i >= 0)
            {
                ms.Write(buf, 0, i);
                return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            }
            ms.Write(buf, 0, n);
            if (ms.Length > LineFollower.MaxLine)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Copies the parts and the whole files into <paramref name="trailDir"/>; returns the names written, in order.</summary>
    public static List<string> Copy(StateDirectory dir, IReadOnlyList<ChainPart> parts, string trailDir, Action<long>? progress = null)
    {
        var names = new List<string>();
        var buf = new byte[1 << 16];
        long copied = 0;
        void CopyFile(string source, string name, bool wholeRows)
        {
            using var from = TrailStream.OpenFile(source);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(trailDir, name))!);
            using var to = new FileStream(Path.Combine(trailDir, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            long lastNl = -1, at = 0;
            int n;
            while ((n = from.Read(buf)) > 0)
            {
                to.Write(buf, 0, n);
                var i = buf.AsSpan(0, n).LastIndexOf((byte)'\n');
                lastNl = i >= 0 ? at + i : lastNl;
                at += n;
                copied += n;
                progress?.Invoke(copied);
            }
            if (wholeRows)
            {
                to.SetLength(lastNl + 1); // a row `run` is still appending is not part of the chain yet
            }
            names.Add(name);
        }
        foreach (var p in parts)
        {
            foreach (var seg in p.Segments)
            {
                CopyFile(seg.Path, p.Dir.Length == 0 ? Path.GetFileName(seg.Path) : $"{p.Dir}/{Path.GetFileName(seg.Path)}", wholeRows: false);
            }
            if (p.Live)
            {
                CopyFile(dir.FilePath(p.File), p.File, wholeRows: true);
            }
        }
        foreach (var name in WholeFiles)
        {
            if (dir.FileExists(name))
            {
                CopyFile(dir.FilePath(name), name, wholeRows: true);
            }
        }
        if (parts.Any(p => p.Start is not null))
        {
            var sb = new StringBuilder(StartsHeader).Append('\n');
            foreach (var p in parts.Where(p => p.Start is not null))
            {
                sb.Append(p.File).Append('\t').Append(p.Start!.Seq.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(p.Start.Hash).Append('\t').Append(p.Dir).Append('\n');
            }
            File.WriteAllText(Path.Combine(trailDir, StartsFile), sb.ToString(), new UTF8Encoding(false));
            names.Add(StartsFile);
        }
        return names;
    }

    /// <summary>Reads chain_starts.tsv (small, from a bundle: hostile): part directory -> file -> start; bad lines are
    /// added to <paramref name="problems"/>.</summary>
    public static Dictionary<string, Dictionary<string, ChainStart>> ParseStarts(string text, List<string> problems)
    {
        var starts = new Dictionary<string, Dictionary<string, ChainStart>>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        if (lines[0] != StartsHeader)
        {
            problems.Add($"{BundleLayout.ChainDir}/{StartsFile}: not a chain start list");
            return starts;
        }
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split('\t');
            if (f.Length != 4 || !PartFiles.Contains(f[0]) || !(f[3].Length == 0 || IsEarlierDir(f[3]))
                || (starts.TryGetValue(f[3], out var had) && had.ContainsKey(f[0]))
                || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                || f[2].Length != ChainHash.HexLength || !f[2].All(char.IsAsciiHexDigitLower))
            {
                problems.Add($"{BundleLayout.ChainDir}/{StartsFile}: a line is not 'file<TAB>seq<TAB>hash<TAB>part' of a chained file");
                continue;
            }
            if (!starts.TryGetValue(f[3], out var forPart))
            {
                starts[f[3]] = forPart = new Dictionary<string, ChainStart>(StringComparer.Ordinal);
            }
            forPart[f[0]] = new ChainStart(seq, f[2]);
        }
        return starts;
    }

    public static bool IsEarlierDir(string name) =>
        name.StartsWith(EarlierPrefix, StringComparison.Ordinal) && name.Length - EarlierPrefix.Length is >= 6 and <= 18
        && name[EarlierPrefix.Length..].All(char.IsAsciiDigit);

    /// <summary>Whether <paramref name="name"/> may be a file of trail/ in a bundle (no path, a known name or a segment of a chained file).</summary>
    public static bool IsChainFileName(string name) =>
        (name.IndexOf('/') is var slash and > 0 && IsEarlierDir(name[..slash]) && IsSegmentOf(name[(slash + 1)..], StateDirectory.BirthRecordsFile))
        || name == StartsFile || PartFiles.Contains(name) || WholeFiles.Contains(name)
        || PartFiles.Any(f => IsSegmentOf(name, f));

    private static bool IsSegmentOf(string name, string file)
    {
        var stem = file[..^4] + ".";
        if (!name.StartsWith(stem, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = name[stem.Length..];
        rest = rest.EndsWith(".tsv" + TrailSegments.CompressedSuffix, StringComparison.Ordinal) ? rest[..^(4 + TrailSegments.CompressedSuffix.Length)]
            : rest.EndsWith(".tsv", StringComparison.Ordinal) ? rest[..^4] : "";
        return rest.Length is >= 6 and <= 18 && rest.All(char.IsAsciiDigit);
    }
}
