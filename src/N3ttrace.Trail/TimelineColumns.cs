using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// snapshots.tsv: one row per state change (birth, fail, death, level) and keyframes of the active set: the input of time travel.
/// <see cref="Names"/> is what readers see; the file stores <see cref="StoredNames"/> (reasons by reasons_id, joined back by
/// TrailReader). bytes_sent and bytes_received are set on death rows (the kernel's counts at close; 0 for a failed connect).
/// </summary>
public static class TimelineColumns
{
    /// <summary>The columns of format 1 (no byte counts, reasons text on every row).</summary>
    public static readonly IReadOnlyList<string> LegacyNames =
        ["ts", "event", "conn_id", "birth_ts", "duration_s", "pid", "comm", "ancestry_id", "remote_masked", "remote_hash", "rport", "level", "score", "purpose", "reasons"];

    public const string BytesSent = "bytes_sent";
    public const string BytesReceived = "bytes_received";

    /// <summary>outbound, inbound or listen; absent from timelines written before it (read as outbound).</summary>
    public const string Direction = BirthRecordColumns.Direction;

    public static readonly IReadOnlyList<string> Names = [.. LegacyNames, BytesSent, BytesReceived, Direction];

    public static readonly IReadOnlyList<string> StoredNames = Names.Select(n => n == ReasonColumns.Text ? ReasonColumns.Id : n).ToArray();

    /// <summary>What format-2 timelines stored before the direction column (still read, verified and appended to).</summary>
    public static readonly IReadOnlyList<string> StoredNamesBeforeDirection = StoredNames.Where(n => n != Direction).ToArray();

    private static readonly int ReasonsIndex = LegacyNames.Count - 1;

    public const string Birth = "birth";
    public const string Fail = "fail";
    public const string Death = "death";
    public const string Level = "level";
    /// <summary>A keyframe: begin marker, one row per live connection (ts = keyframe time), end marker.</summary>
    public const string KeyframeBegin = "keyframe-begin";
    public const string Keyframe = "keyframe";
    public const string KeyframeEnd = "keyframe-end";

    public static string[] Marker(string evt, DateTime ts, bool legacy = false)
    {
        var v = new string[legacy ? LegacyNames.Count : StoredNames.Count];
        Array.Fill(v, "");
        v[0] = Timestamp.ToRecord(ts);
        v[1] = evt;
        return v;
    }

    /// <summary>A row as readers see it (and as forwarded): reasons as text.</summary>
    public static string[] Values(string evt, DateTime ts, Connection c, long nowBootNs) =>
    [
        .. LegacyValues(evt, ts, c, nowBootNs),
        evt is Death or Fail ? c.BytesSent.ToString(CultureInfo.InvariantCulture) : "",
        evt is Death or Fail ? c.BytesReceived.ToString(CultureInfo.InvariantCulture) : "",
        FlowDirections.Name(c.Direction),
    ];

    /// <summary>A row as the file stores it: reasons by id.</summary>
    public static string[] StoredValues(string evt, DateTime ts, Connection c, long nowBootNs, string reasonsId)
    {
        var v = Values(evt, ts, c, nowBootNs);
        v[ReasonsIndex] = reasonsId;
        return v;
    }

    /// <summary>
    /// A death row as format 3 stores it: only what the birth record does not hold (ts, event, conn_id, duration_s and
    /// the byte counts); readers fill in the rest from the connection's birth record and last level row (TimelineMerge).
    /// </summary>
    public static string[] DeathValues(DateTime ts, Connection c) =>
        DeathValues(ts, c.ConnId, c.EndBootNs!.Value - c.BirthBootNs, c.BytesSent, c.BytesReceived);

    /// <summary>A format-3 death row from its own values alone (a death whose birth an earlier run wrote).</summary>
    public static string[] DeathValues(DateTime ts, string connId, long durationNs, ulong bytesSent, ulong bytesReceived)
    {
        var v = new string[StoredNames.Count];
        Array.Fill(v, "");
        v[0] = Timestamp.ToRecord(ts);
        v[1] = Death;
        v[2] = connId;
        v[DurationIndex] = Timestamp.Seconds(durationNs);
        v[BytesSentIndex] = bytesSent.ToString(CultureInfo.InvariantCulture);
        v[BytesSentIndex + 1] = bytesReceived.ToString(CultureInfo.InvariantCulture);
        return v;
    }

    public const int DurationIndex = 4;

    private static readonly int BytesSentIndex = LegacyNames.Count;

    /// <summary>The columns a format-3 death row leaves empty, filled in by readers from the connection's earlier rows.</summary>
    public static readonly IReadOnlyList<string> Derived = ["birth_ts", "pid", "comm", "ancestry_id", "remote_masked", "remote_hash", "rport", "level", "score", "purpose", ReasonColumns.Id, Direction];

    /// <summary>A row of format 1 (a state directory of an earlier release goes on in its format).</summary>
    public static string[] LegacyValues(string evt, DateTime ts, Connection c, long nowBootNs) =>
    [
        Timestamp.ToRecord(ts),
        evt,
        c.ConnId,
        c.BirthTs,
        Timestamp.Seconds((c.EndBootNs ?? nowBootNs) - c.BirthBootNs),
        c.Pid.ToString(CultureInfo.InvariantCulture),
        c.Comm,
        c.AncestryId,
        c.RemoteMasked,
        c.RemoteHash,
        c.RemotePort.ToString(CultureInfo.InvariantCulture),
        Verdict.LevelName(c.Verdict.Level),
        c.Verdict.Score.ToString(CultureInfo.InvariantCulture),
        c.Verdict.Purpose,
        c.Verdict.ReasonsText,
    ];
}
