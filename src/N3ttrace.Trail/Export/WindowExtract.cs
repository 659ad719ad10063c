using System.Text;
using N3ttrace.Time;
using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// The rows of a time window, streamed from the trail into two TSV files (timeline rows stamped inside the window,
/// and the birth records they belong to) with their counts. Only the segments the index says overlap the window are
/// read, and nothing but the counts and the connections born before the window stays in memory: a row is written
/// as it is read. A connection born before the window and seen in it brings its birth record along, read from the
/// segment the index names for its birth time (<see cref="ChainProof.Earlier"/>).
/// </summary>
public sealed class WindowExtract
{
    public required TimeWindow Window { get; init; }
    public long Births { get; private set; }
    /// <summary>Birth rows stamped inside the window (the rest were brought along by a timeline row).</summary>
    public long BirthsInWindow { get; private set; }
    public long Timeline { get; private set; }
    public SortedDictionary<string, long> TimelineByEvent { get; } = new(StringComparer.Ordinal);
    /// <summary>Timeline rows in the window of connections born before it whose birth record is not in the trail.</summary>
    public long EventsWithoutBirth { get; private set; }
    public long MalformedRows { get; private set; }
    public long UnresolvedRows { get; private set; }
    public long BirthRowsRead { get; private set; }
    public long TimelineRowsRead { get; private set; }
    /// <summary>First and last timeline timestamps of the rows read, to say where data is when a window is empty.</summary>
    public string? FirstTs { get; private set; }
    public string? LastTs { get; private set; }
    public SortedSet<string> BootIds { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Births == 0 && Timeline == 0;

    /// <summary>Cap on distinct boot ids listed (a trail spans few boots; a hostile one could name many).</summary>
    private const int MaxBootIds = 1000;

    /// <summary>Birth record of a connection born before the window and still waited for: its events in the window.</summary>
    private readonly Dictionary<string, long> _waiting = new(StringComparer.Ordinal);

    /// <summary>Streams the timeline rows of the window of the trail in <paramref name="dir"/> into <paramref name="timelinePath"/>;
    /// then <see cref="WriteBirths"/> with the segments <see cref="EarlierBirths"/> and the window name.</summary>
    public static WindowExtract FromTimeline(StateDirectory dir, TimeWindow window, string timelinePath, Action<long>? progress = null)
    {
        var x = new WindowExtract { Window = window };
        x.WriteTimeline(dir, timelinePath, progress);
        return x;
    }

    /// <summary>Birth times before the window of the connections seen in it (their birth records are looked for there).</summary>
    public IEnumerable<DateTime> EarlierBirths => _earlier;

    private readonly SortedSet<DateTime> _earlier = [];

    /// <summary>A connection seen in the window has no birth time (no keyframe before it): all earlier segments are read.</summary>
    public bool EarlierUnknown { get; private set; }

    private static StreamWriter Create(string path) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };

    private void WriteTimeline(StateDirectory dir, string path, Action<long>? progress)
    {
        // From the keyframe before the window: format 3 fills a death row's columns (birth_ts among them) from the
        // connection's birth or keyframe row, so a connection born before the window needs the keyframe.
        using var stream = TrailStream.Open(dir.FilePath(StateDirectory.TimelineFile), Window.Since, Window.Until, keyframe: true);
        var reader = new TrailReader();
        using var w = Create(path);
        var headerWritten = false;
        foreach (var row in reader.Read(stream, n => progress?.Invoke(n)))
        {
            if (!headerWritten)
            {
                w.WriteLine(reader.HeaderLine);
                headerWritten = true;
            }
            if (!TrailSchema.IsDataRow(row) || row["event"].StartsWith(TimelineColumns.Keyframe, StringComparison.Ordinal))
            {
                continue; // keyframes (a copy of the active set for time travel) and chain events are not connection events
            }
            var ts = row["ts"];
            FirstTs ??= ts;
            LastTs = ts;
            if (!Window.Contains(ts))
            {
                continue;
            }
            w.WriteLine(row.Line);
            Timeline++;
            var evt = row["event"];
            TimelineByEvent[evt] = TimelineByEvent.GetValueOrDefault(evt) + 1;
            NoteBoot(row);
            // Born before the window (or unknown): its birth record is looked for before the window too.
            var birth = row.Get("birth_ts");
            if (birth is null || string.CompareOrdinal(birth, Window.SinceRecord) < 0)
            {
                var id = row["conn_id"];
                _waiting[id] = _waiting.GetValueOrDefault(id) + 1;
                if (birth is not null && DateTime.TryParseExact(birth, Timestamp.Format, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var b))
                {
                    _earlier.Add(new DateTime(b.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc)); // one per second is enough to find segments
                }
                else
                {
                    EarlierUnknown = true; // no birth time: every earlier segment is looked in
                }
            }
        }
        if (!headerWritten && reader.HeaderLine is { Length: > 0 } h)
        {
            w.WriteLine(h);
        }
        MalformedRows += reader.Malformed;
        UnresolvedRows += reader.Unresolved;
        TimelineRowsRead = reader.Rows;
    }

    /// <summary>Streams the birth records of the window, and of the connections born before it and seen in it, from the
    /// parts of the birth records the bundle carries (earlier runs first, in trail order), into <paramref name="path"/>.</summary>
    public void WriteBirths(StateDirectory dir, IReadOnlyList<ChainPart> parts, string path, Action<long>? progress = null)
    {
        using var w = Create(path);
        var headerWritten = false;
        long readBefore = 0;
        // Loaded once: a part opened alone (the live file) does not name the directory its dictionaries are in.
        var dictionary = TrailDictionary.Load(dir.Path);
        foreach (var (open, _) in parts.SelectMany(p => p.Segments.Select(s => ((Func<Stream>)(() => TrailStream.OpenPart(s)), s.Path))
            .Concat(p.Live ? [((Func<Stream>)(() => TrailStream.OpenFile(dir.FilePath(p.File))), p.File)] : [])))
        {
            using var stream = open();
            var reader = new TrailReader(dictionary);
            foreach (var row in reader.Read(stream, n => progress?.Invoke(readBefore + n)))
            {
                if (!headerWritten)
                {
                    w.WriteLine(reader.HeaderLine);
                    headerWritten = true;
                }
                if (!TrailSchema.IsDataRow(row))
                {
                    continue;
                }
                var inside = Window.Contains(row["ts"]);
                if (inside || _waiting.Remove(row["conn_id"]))
                {
                    w.WriteLine(row.Line);
                    Births++;
                    BirthsInWindow += inside ? 1 : 0;
                    NoteBoot(row);
                }
            }
            if (!headerWritten && reader.HeaderLine is { Length: > 0 } h)
            {
                w.WriteLine(h);
                headerWritten = true;
            }
            readBefore += stream.Length;
            MalformedRows += reader.Malformed;
            UnresolvedRows += reader.Unresolved;
            BirthRowsRead += reader.Rows;
        }
        EventsWithoutBirth = _waiting.Values.Sum();
        _waiting.Clear();
    }

    private void NoteBoot(TrailRow row)
    {
        if (row.Get("boot_id") is { Length: > 0 } id && BootIds.Count < MaxBootIds)
        {
            BootIds.Add(id);
        }
    }
}
