using System.Globalization;
using N3ttrace.Connections;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// `query` over birth_records.tsv: filters the birth certificates, then one pass over the timeline
/// adds each selected connection's end (death or failure), lifetime, byte counts (format 2) and latest verdict (the last
/// level row for its conn_id, else the birth record's). Data rows only; chain events are skipped.
/// Fields stay escaped exactly as stored.
/// </summary>
public static class BirthRecordQuery
{
    public static readonly IReadOnlyList<string> Columns =
        [.. BirthRecordColumns.Names, "end", "end_ts", "lifetime_s", "verdict_from", TimelineColumns.BytesSent, TimelineColumns.BytesReceived];

    public static List<string[]> Run(string birthRecordsPath, string timelinePath, QueryFilter q)
    {
        var selected = new List<string[]>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var bc = Index(BirthRecordColumns.Names);
        var dataCount = BirthRecordColumns.Names.Count;
        var since = q.Since is { } s ? Timestamp.ToRecord(s) : null;
        var until = q.Until is { } u ? Timestamp.ToRecord(u) : null;
        var pid = q.Pid?.ToString(CultureInfo.InvariantCulture);
        var port = q.Port?.ToString(CultureInfo.InvariantCulture);
        var uid = q.Uid?.ToString(CultureInfo.InvariantCulture);
        var directionCol = bc[BirthRecordColumns.Direction];
        foreach (var f in DataRows(birthRecordsPath, BirthRecordColumns.Names, q.Since, q.Until))
        {
            if (f[directionCol].Length == 0)
            {
                f[directionCol] = FlowDirections.Outbound; // a trail older than the column: outbound connections only
            }
            if (q.Direction is { } d && f[directionCol] != FlowDirections.Name(d))
            {
                continue;
            }
            var ts = f[bc["ts"]];
            if ((since is not null && string.CompareOrdinal(ts, since) < 0) || (until is not null && string.CompareOrdinal(ts, until) >= 0)
                || (pid is not null && f[bc["pid"]] != pid) || (port is not null && f[bc["rport"]] != port) || (uid is not null && f[bc["uid"]] != uid)
                || (q.ConnId is not null && f[bc["conn_id"]] != q.ConnId) || !QueryFilter.Matches(q.Cmdline, f[bc["cmdline"]])
                || !QueryFilter.Matches(q.Comm, f[bc["comm"]]) || !QueryFilter.Matches(q.Exe, f[bc["exe"]])
                || !QueryFilter.Matches(q.Ancestry, f[bc["ancestry_id"]]) || !QueryFilter.Matches(q.RemoteHash, f[bc["remote_hash"]]))
            {
                continue;
            }
            var row = new string[Columns.Count];
            Array.Copy(f, row, dataCount);
            Array.Fill(row, "", dataCount, Columns.Count - dataCount);
            row[dataCount + 3] = TimelineColumns.Birth;
            byId[f[bc["conn_id"]]] = selected.Count;
            selected.Add(row);
        }
        if (selected.Count > 0 && File.Exists(timelinePath))
        {
            var tc = Index(TimelineColumns.Names);
            foreach (var f in DataRows(timelinePath, TimelineColumns.Names, q.Since, null)) // ends and verdicts come later
            {
                if (!byId.TryGetValue(f[tc["conn_id"]], out var i))
                {
                    continue;
                }
                var row = selected[i];
                switch (f[tc["event"]])
                {
                    case TimelineColumns.Death:
                    case TimelineColumns.Fail:
                        row[dataCount] = f[tc["event"]];
                        row[dataCount + 1] = f[tc["ts"]];
                        row[dataCount + 2] = f[tc["duration_s"]];
                        row[dataCount + 4] = f[tc[TimelineColumns.BytesSent]];
                        row[dataCount + 5] = f[tc[TimelineColumns.BytesReceived]];
                        break;
                    case TimelineColumns.Level:
                        row[bc["level"]] = f[tc["level"]];
                        row[bc["score"]] = f[tc["score"]];
                        row[bc["purpose"]] = f[tc["purpose"]];
                        row[bc["reasons"]] = f[tc["reasons"]];
                        row[dataCount + 3] = "level-change " + f[tc["ts"]];
                        break;
                }
            }
        }
        return selected.Where(r => QueryFilter.Matches(q.Purpose, r[bc["purpose"]])
            && QueryFilter.AtOrAbove(r[bc["level"]], q.Level)).ToList();
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> names) =>
        names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);

    /// <summary>The data columns of each data row, in <paramref name="columns"/>' order (chain events and torn lines skipped).</summary>
    /// <remarks>Only the segments that overlap [from, until] are opened (the segment index).</remarks>
    private static IEnumerable<string[]> DataRows(string path, IReadOnlyList<string> columns, DateTime? from, DateTime? until)
    {
        using var stream = TrailStream.Open(path, from, until);
        foreach (var row in new TrailReader().ReadData(stream))
        {
            var f = new string[columns.Count];
            for (var i = 0; i < f.Length; i++)
            {
                f[i] = row[columns[i]];
            }
            yield return f;
        }
    }
}
