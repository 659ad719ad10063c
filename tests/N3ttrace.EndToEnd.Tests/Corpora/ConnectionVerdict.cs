using System.Globalization;
using N3ttrace.EndToEnd.Tests.Scenarios;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// One connection as the trail finally judged it: the highest level it reached (birth record or a later level row),
/// the purpose of its latest verdict, and that verdict's reasons.
/// </summary>
internal sealed record ConnectionVerdict(string ConnId, int RemotePort, string Comm, string Exe, string Level, string Purpose, string Reasons, DateTime Birth)
{
    public static int Rank(string level) => Array.IndexOf(ScenarioOutcome.Levels, level);

    /// <summary>Connections to the given ports, except the test host's own (probes, relay drivers).</summary>
    public static List<ConnectionVerdict> Read(string stateDir, IEnumerable<int> ports)
    {
        var wanted = ports.ToList();
        var births = TrailFilter.Read(Path.Combine(stateDir, "birth_records.tsv"), wanted);
        var timeline = TrailFilter.Read(Path.Combine(stateDir, "snapshots.tsv"), wanted);
        var levels = timeline.Where(r => r["event"] == "level").GroupBy(r => r["conn_id"]).ToDictionary(g => g.Key, g => g.ToList());
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var result = new List<ConnectionVerdict>();
        foreach (var b in births.Where(b => b["pid"] != self))
        {
            var rows = levels.GetValueOrDefault(b["conn_id"]) ?? [];
            var level = rows.Select(r => r["level"]).Append(b["level"]).MaxBy(Rank)!;
            var latest = rows.Count > 0 ? rows[^1] : b;
            result.Add(new ConnectionVerdict(b["conn_id"], int.Parse(b["rport"], CultureInfo.InvariantCulture), b["comm"], b["exe"], level,
                latest["purpose"], latest["reasons"], N3ttrace.Time.Timestamp.ParseRecord(b["ts"])));
        }
        return result;
    }
}
