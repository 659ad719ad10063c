using N3ttrace.Trail;

namespace N3ttrace.Trail.Export;

/// <summary>
/// The part of a trail that falls in a time window: timeline rows stamped inside it, and the birth
/// records those rows belong to (a connection born before the window and closed inside it brings its
/// birth record along, so every exported event has its certificate).
/// </summary>
public sealed class TrailWindow
{
    public required TimeWindow Window { get; init; }
    public required string BirthHeader { get; init; }
    public required string TimelineHeader { get; init; }
    public required IReadOnlyList<TrailRow> Births { get; init; }
    public required IReadOnlyList<TrailRow> Timeline { get; init; }
    /// <summary>Birth rows stamped inside the window (the rest were brought along by a timeline row).</summary>
    public required long BirthsInWindow { get; init; }
    /// <summary>Timeline rows in the window whose birth record is not in the trail.</summary>
    public required long EventsWithoutBirth { get; init; }
    public required long MalformedRows { get; init; }
    /// <summary>Format-2 rows whose process certificate or reasons text is not in the trail (exported with those fields empty).</summary>
    public long UnresolvedRows { get; init; }
    public required long BirthRowsRead { get; init; }
    public required long TimelineRowsRead { get; init; }
    /// <summary>First and last timeline timestamps of the whole trail, to say where data is when a window is empty.</summary>
    public string? TrailFirstTs { get; init; }
    public string? TrailLastTs { get; init; }

    public bool IsEmpty => Births.Count == 0 && Timeline.Count == 0;

    private Dictionary<string, TrailRow>? _byConn;

    public TrailRow? BirthOf(string connId)
    {
        _byConn ??= Births.GroupBy(b => b["conn_id"]).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return _byConn.GetValueOrDefault(connId);
    }

    public IEnumerable<(TrailRow Event, TrailRow? Birth)> Events() => Timeline.Select(e => (e, BirthOf(e["conn_id"])));

    /// <summary>birth, fail, death and level rows; not keyframes (a copy of the active set for time travel) nor chain events.</summary>
    private static bool IsConnectionEvent(TrailRow row) =>
        TrailSchema.IsDataRow(row) && !row["event"].StartsWith(TimelineColumns.Keyframe, StringComparison.Ordinal);

    /// <summary>Reads the window from the state directory; progress gets (bytes read, total bytes).</summary>
    public static TrailWindow Read(StateDirectory dir, TimeWindow window, Action<long, long>? progress = null)
    {
        using var timelineStream = TrailReader.OpenShared(dir.FilePath(StateDirectory.TimelineFile));
        using var birthStream = TrailReader.OpenShared(dir.FilePath(StateDirectory.BirthRecordsFile));
        var total = timelineStream.Length + birthStream.Length;
        var timelineLength = timelineStream.Length;

        var timelineReader = new TrailReader();
        var timeline = new List<TrailRow>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        string? first = null, last = null;
        foreach (var row in timelineReader.Read(timelineStream, n => progress?.Invoke(n, total)))
        {
            if (!IsConnectionEvent(row))
            {
                continue;
            }
            first ??= row["ts"];
            last = row["ts"];
            if (window.Contains(row["ts"]))
            {
                timeline.Add(row);
                wanted.Add(row["conn_id"]);
            }
        }

        var birthReader = new TrailReader();
        var births = new List<TrailRow>();
        long inWindow = 0;
        foreach (var row in birthReader.Read(birthStream, n => progress?.Invoke(timelineLength + n, total)))
        {
            if (!TrailSchema.IsDataRow(row))
            {
                continue;
            }
            var inside = window.Contains(row["ts"]);
            if (inside || wanted.Contains(row["conn_id"]))
            {
                births.Add(row);
                inWindow += inside ? 1 : 0;
            }
        }
        var have = births.Select(b => b["conn_id"]).ToHashSet(StringComparer.Ordinal);
        return new TrailWindow
        {
            Window = window,
            BirthHeader = birthReader.HeaderLine,
            TimelineHeader = timelineReader.HeaderLine,
            Births = births,
            Timeline = timeline,
            BirthsInWindow = inWindow,
            EventsWithoutBirth = timeline.Count(t => !have.Contains(t["conn_id"])),
            MalformedRows = birthReader.Malformed + timelineReader.Malformed,
            UnresolvedRows = birthReader.Unresolved + timelineReader.Unresolved,
            BirthRowsRead = birthReader.Rows,
            TimelineRowsRead = timelineReader.Rows,
            TrailFirstTs = first,
            TrailLastTs = last,
        };
    }
}
