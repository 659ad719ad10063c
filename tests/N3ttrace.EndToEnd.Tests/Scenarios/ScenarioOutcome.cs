namespace N3ttrace.EndToEnd.Tests.Scenarios;

/// <summary>What the trail says about one scenario: its connections (by remote port), highest level, reasons, purposes.</summary>
internal sealed record ScenarioOutcome(int Connections, string Level, string LastPurpose, IReadOnlyList<string> Purposes, IReadOnlyList<string> Reasons, int FirstBeaconCall)
{
    public static readonly string[] Levels = ["NORMAL", "ANOMALY", "THREAT"];

    public static ScenarioOutcome From(IReadOnlyList<Dictionary<string, string>> births, IReadOnlyList<Dictionary<string, string>> timeline, int port)
    {
        var rport = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mine = births.Where(r => r["rport"] == rport).OrderBy(r => r["ts"], StringComparer.Ordinal).ToList();
        var ids = mine.Select(r => r["conn_id"]).ToHashSet();
        var rows = mine.Select(r => (Level: r["level"], Reasons: r["reasons"]))
            .Concat(timeline.Where(r => ids.Contains(r["conn_id"]) && r["event"] == "level").Select(r => (Level: r["level"], Reasons: r["reasons"])))
            .ToList();
        var level = rows.Count == 0 ? "NONE" : Levels[rows.Max(r => Array.IndexOf(Levels, r.Level))];
        var reasons = rows.SelectMany(r => r.Reasons.Split("; ", StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        var firstBeacon = mine.FindIndex(r => r["reasons"].Contains("beacon +", StringComparison.Ordinal));
        return new ScenarioOutcome(mine.Count, level, mine.Count == 0 ? "" : mine[^1]["purpose"], mine.Select(r => r["purpose"]).Distinct().ToList(), reasons,
            firstBeacon < 0 ? 0 : firstBeacon + 1);
    }

    public bool HasReason(string required) => Reasons.Any(r => r.Contains(required, StringComparison.Ordinal));
}
