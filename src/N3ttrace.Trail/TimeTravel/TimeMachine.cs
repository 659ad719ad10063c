using System.Globalization;
using System.Text;
using N3ttrace.Connections;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Trail.TimeTravel;

/// <summary>
/// Reconstructs the connections alive at an instant (or during an interval) from snapshots.tsv
/// without reading all of it: a binary search on the (nearly ordered) ts column finds the region,
/// a backward search finds the last keyframe at or before the instant, and only the rows from
/// there on are replayed. Keyframes come every KeyframeEveryRows rows, so the work and memory are
/// bounded by the keyframe spacing and the active set, not by the timeline's length.
/// </summary>
public static class TimeMachine
{
    /// <summary>Events can be written a little after the instant they carry (queue lag): replay this
    /// far past the instant, or to the first keyframe a second after it.</summary>
    private static readonly TimeSpan WriteLag = TimeSpan.FromSeconds(60);
    private static readonly byte[] KeyframeBeginTag = Encoding.ASCII.GetBytes($"\t{TimelineColumns.KeyframeBegin}\t");
    private const int TsLength = 27;

    public static AtResult At(string timelinePath, DateTime utc) => Replay(timelinePath, utc, utc);

    /// <summary>Everything alive at some instant of [fromUtc, untilUtc), the window of every reading command: born
    /// before untilUtc and not dead by fromUtc. fromUtc == untilUtc is the instant (<see cref="At"/>).</summary>
    public static AtResult Between(string timelinePath, DateTime fromUtc, DateTime untilUtc) => Replay(timelinePath, fromUtc, untilUtc);

    private static AtResult Replay(string path, DateTime t1, DateTime t2)
    {
        // Only the segments the index says hold the window (and a keyframe before it): `at` on a long trail opens few files.
        using var fs = TrailStream.Open(path, t1, t2, keyframe: true);
        var headerLine = ReadLineAt(fs, 0, out var dataStart) ?? throw new InvalidDataException($"{path} is empty");
        var col = TsvRow.Header(headerLine);
        foreach (var need in new[] { "ts", "event", "conn_id", "birth_ts", "pid", "comm", "ancestry_id", "remote_masked", "remote_hash", "rport", "level", "score", "purpose", ChainColumns.EventColumn })
        {
            if (!col.ContainsKey(need))
            {
                throw new InvalidDataException($"{path} has no column '{need}': not a chained timeline");
            }
        }
        var firstTs = ReadLineAt(fs, dataStart, out _)?.Split('\t')[0];
        var start = KeyframeAtOrBefore(fs, dataStart, SearchOffset(fs, dataStart, t1), t1);

        var state = new Dictionary<string, AliveConnection>(StringComparer.Ordinal);
        var result = new Dictionary<string, AliveConnection>(StringComparer.Ordinal);
        var running = false;
        long rows = 0;
        string? lastTs = null;
        fs.Seek(start, SeekOrigin.Begin);
        using var reader = new ByteLineReader(fs);
        // Format 3: birth and fail rows come from the birth records, from the mark written with this keyframe on.
        using var births = TimelineMerge.Applies(col) ? OpenBirths(path, t1, t2) : null;
        var merge = TimelineMerge.Applies(col)
            ? new TimelineMerge(col, births?.Header, births is null ? [] : births.Rows(BirthsFrom(births, fs, start, dataStart)), TrailDictionary.Load(Path.GetDirectoryName(Path.GetFullPath(path))!))
            : null;
        var inKeyframe = false;
        foreach (var f in Rows(reader, merge, col.Count))
        {
            rows++;
            if (f.Length < col.Count || !TryTs(f[0], out var ts))
            {
                continue;
            }
            lastTs = f[0];
            var evt = f[col["event"]];
            var chain = f[col[ChainColumns.EventColumn]];
            if (ts > t2 + WriteLag || (evt == TimelineColumns.KeyframeBegin && ts > t2.AddSeconds(1)))
            {
                break;
            }
            if (chain.Length > 0)
            {
                var kind = chain.Split(' ')[0];
                if (ts <= t1 && kind is ChainColumns.Start or ChainColumns.Stop or ChainColumns.Recovery)
                {
                    state.Clear(); // what a stopped tracer did not see is unknown, not alive
                    running = kind != ChainColumns.Stop;
                }
                continue;
            }
            switch (evt)
            {
                case TimelineColumns.KeyframeBegin:
                    if (ts <= t1)
                    {
                        state.Clear();
                        inKeyframe = true;
                        running = true;
                    }
                    break;
                case TimelineColumns.KeyframeEnd:
                    inKeyframe = false;
                    break;
                case TimelineColumns.Keyframe:
                    if (inKeyframe)
                    {
                        state[f[col["conn_id"]]] = Parse(f, col, null);
                    }
                    else if (ts > t1 && ts < t2)
                    {
                        result.TryAdd(f[col["conn_id"]], Parse(f, col, null));
                    }
                    break;
                case TimelineColumns.Birth:
                    if (ts <= t1)
                    {
                        state[f[col["conn_id"]]] = Parse(f, col, null);
                    }
                    else if (ts < t2)
                    {
                        result[f[col["conn_id"]]] = Parse(f, col, null);
                    }
                    break;
                case TimelineColumns.Death:
                    {
                        var id = f[col["conn_id"]];
                        if (ts <= t1)
                        {
                            state.Remove(id);
                        }
                        else
                        {
                            if (state.TryGetValue(id, out var s) && s.Death is null)
                            {
                                state[id] = s with { Death = ts };
                            }
                            if (result.TryGetValue(id, out var r) && r.Death is null)
                            {
                                result[id] = r with { Death = ts };
                            }
                        }
                        break;
                    }
                case TimelineColumns.Level:
                    {
                        var id = f[col["conn_id"]];
                        if (ts <= t1 && state.TryGetValue(id, out var s))
                        {
                            state[id] = s with { Level = f[col["level"]], Score = f[col["score"]], Purpose = f[col["purpose"]] };
                        }
                        else if (ts < t2 && result.TryGetValue(id, out var r))
                        {
                            result[id] = r with { Level = f[col["level"]], Score = f[col["score"]], Purpose = f[col["purpose"]] };
                        }
                        break;
                    }
            }
        }
        foreach (var (id, c) in state)
        {
            result[id] = c;
        }
        var list = result.Values.OrderBy(c => c.Birth).ThenBy(c => c.ConnId, StringComparer.Ordinal).ToList();
        return new AtResult(t1, t2, list, rows, running, firstTs, lastTs) { Gaps = GapScan.Overlapping(path, t1, t2, start, keyframeWindow: true) };
    }

    /// <summary>The timeline's complete lines from where the reader stands, split; merged with the births in format 3.</summary>
    private static IEnumerable<string[]> Rows(ByteLineReader reader, TimelineMerge? merge, int columns)
    {
        while (reader.Next(out var raw, out var terminated))
        {
            if (!terminated)
            {
                break; // a line being written right now
            }
            var f = Encoding.UTF8.GetString(raw).Split('\t');
            if (merge is null || f.Length != columns)
            {
                yield return f;
                continue;
            }
            foreach (var m in merge.Before(f))
            {
                yield return m;
            }
        }
        if (merge is not null)
        {
            foreach (var m in merge.Rest())
            {
                yield return m;
            }
        }
    }

    private static StoredRows? OpenBirths(string timelinePath, DateTime t1, DateTime t2)
    {
        var p = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(timelinePath))!, StateDirectory.BirthRecordsFile);
        // The same segments as the timeline's: both files are cut at the same instants.
        return TrailReader.TrailExists(p) ? new StoredRows(TrailStream.Open(p, t1, t2, keyframe: true)) : null;
    }

    /// <summary>Where the births of a replay from <paramref name="start"/> begin: the birth records' mark of that keyframe.</summary>
    private static long BirthsFrom(StoredRows births, TrailStream timeline, long start, long dataStart)
    {
        if (start <= dataStart || ReadLineAt(timeline, start, out _)?.Split('\t')[0] is not { } mark || !TryTs(mark, out var t))
        {
            return births.DataStart;
        }
        var b = births.Stream;
        // The mark is a chain event: its ts, then empty data columns (a data row has its conn_id).
        var pattern = Encoding.ASCII.GetBytes("\n" + mark + new string('\t', births.Header.Count - ChainColumns.Names.Count));
        const int chunk = 1 << 20;
        var buf = new byte[chunk + pattern.Length];
        var end = Math.Min(b.Length, SearchOffset(b, births.DataStart, t) + chunk);
        for (var round = 0; round < 64 && end > births.DataStart; round++)
        {
            var begin = Math.Max(births.DataStart - 1, end - chunk);
            var n = b.ReadAt(buf.AsSpan(0, (int)Math.Min(buf.Length, b.Length - begin)), begin);
            var i = buf.AsSpan(0, n).LastIndexOf(pattern);
            if (i >= 0)
            {
                return begin + i + 1;
            }
            end = begin + pattern.Length;
        }
        return births.DataStart; // not found: every birth before the keyframe is replayed (slower, same result)
    }

    private static AliveConnection Parse(string[] f, Dictionary<string, int> col, DateTime? death) => new(
        f[col["conn_id"]],
        int.TryParse(f[col["pid"]], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0,
        f[col["comm"]], f[col["ancestry_id"]], f[col["remote_masked"]], f[col["remote_hash"]],
        int.TryParse(f[col["rport"]], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0,
        TryTs(f[col["birth_ts"]], out var b) ? b : default,
        death, f[col["level"]], f[col["score"]], f[col["purpose"]],
        // A timeline older than the direction column holds outbound connections only.
        col.TryGetValue(TimelineColumns.Direction, out var d) && f[d].Length > 0 ? f[d] : FlowDirections.Outbound);

    /// <summary>Binary search by byte offset: an offset at or after the last row with ts &lt;= t (rows are nearly time-ordered).</summary>
    private static long SearchOffset(TrailStream fs, long lo, DateTime t)
    {
        var hi = fs.Length;
        while (hi - lo > 64 * 1024)
        {
            var mid = lo + (hi - lo) / 2;
            var line = ReadLineAfter(fs, mid, out _);
            if (line is null || !TryTs(line.Split('\t')[0], out var ts) || ts > t)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        return hi;
    }

    /// <summary>Offset of the last keyframe-begin row before `from` whose ts is at or before t; dataStart if none.</summary>
    private static long KeyframeAtOrBefore(TrailStream fs, long dataStart, long from, DateTime t)
    {
        const int chunk = 1 << 20;
        var buf = new byte[chunk + 256];
        var end = from;
        while (end > dataStart)
        {
            var begin = Math.Max(dataStart, end - chunk);
            var n = (int)(Math.Min(fs.Length, end + KeyframeBeginTag.Length) - begin);
            n = fs.ReadAt(buf.AsSpan(0, n), begin);
            var span = buf.AsSpan(0, n);
            while (true)
            {
                var i = span.LastIndexOf(KeyframeBeginTag);
                if (i < 0)
                {
                    break;
                }
                var lineStart = i - TsLength;
                if (lineStart >= 0 && (begin + lineStart == dataStart || (lineStart > 0 && span[lineStart - 1] == '\n'))
                    && TryTs(Encoding.ASCII.GetString(span.Slice(lineStart, TsLength)), out var ts) && ts <= t)
                {
                    return begin + lineStart;
                }
                span = span[..Math.Max(0, i + KeyframeBeginTag.Length - 1)];
                if (i == 0)
                {
                    break;
                }
            }
            end = begin + TsLength + 1; // overlap: a row split at the chunk edge is seen whole in the next round
            if (begin == dataStart)
            {
                break;
            }
        }
        return dataStart;
    }

    private static string? ReadLineAt(TrailStream fs, long offset, out long next)
    {
        var buf = new byte[64 * 1024];
        var sb = new MemoryStream();
        next = offset;
        while (true)
        {
            var n = fs.ReadAt(buf, next);
            if (n <= 0)
            {
                return null;
            }
            var i = buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (i >= 0)
            {
                sb.Write(buf, 0, i);
                next += i + 1;
                return Encoding.UTF8.GetString(sb.GetBuffer(), 0, (int)sb.Length);
            }
            sb.Write(buf, 0, n);
            next += n;
        }
    }

    private static string? ReadLineAfter(TrailStream fs, long offset, out long next)
    {
        ReadLineAt(fs, offset, out var start);
        return ReadLineAt(fs, start, out next);
    }

    private static bool TryTs(string s, out DateTime ts) =>
        DateTime.TryParseExact(s, Timestamp.Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out ts);
}
