using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>snapshots.tsv: one row per state change (birth, fail, death, level) and keyframes of the active set: the input of time travel.</summary>
public static class TimelineColumns
{
    public static readonly IReadOnlyList<string> Names =
        ["ts", "event", "conn_id", "birth_ts", "duration_s", "pid", "comm", "ancestry_id", "remote_masked", "remote_hash", "rport", "level", "score", "purpose", "reasons"];

    public const string Birth = "birth";
    public const string Fail = "fail";
    public const string Death = "death";
    public const string Level = "level";
    /// <summary>A keyframe: begin marker, one row per live connection (ts = keyframe time), end marker.</summary>
    public const string KeyframeBegin = "keyframe-begin";
    public const string Keyframe = "keyframe";
    public const string KeyframeEnd = "keyframe-end";

    public static string[] Marker(string evt, DateTime ts)
    {
        var v = new string[Names.Count];
        Array.Fill(v, "");
        v[0] = Timestamp.ToRecord(ts);
        v[1] = evt;
        return v;
    }

    public static string[] Values(string evt, DateTime ts, Connection c, long nowBootNs) =>
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
