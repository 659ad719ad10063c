using System.Globalization;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>The attack corpus's figures and its targets: every scenario at least ANOMALY, at least 95% THREAT for shells and tunnels.</summary>
internal static class AttackReport
{
    public const double ThreatTarget = 0.95;

    private static readonly string[] Given = ["NONE", "NORMAL", "ANOMALY", "THREAT"];

    public static string Format(string title, IReadOnlyList<AttackOutcome> outcomes)
    {
        var sb = new StringBuilder();
        var tools = outcomes.Select(o => o.Scenario.Tool).Distinct().Count();
        sb.AppendLine(CultureInfo.InvariantCulture, $"== {title}: {outcomes.Count} scenarios, {tools} tools, shipped default rules ==");
        sb.AppendLine("wiring: " + string.Join(", ", outcomes.GroupBy(o => o.Scenario.Wiring).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}")));
        sb.AppendLine();
        sb.AppendLine("confusion table: expected minimum level (rows) x given level (columns), scenarios");
        sb.AppendLine($"{"expected",-10}" + string.Concat(Given.Select(g => $"{g,9}")) + $"{"total",8}");
        foreach (var expected in new[] { "ANOMALY", "THREAT" })
        {
            var row = outcomes.Where(o => o.Scenario.MinLevel == expected).ToList();
            sb.AppendLine($"{expected,-10}" + string.Concat(Given.Select(g => $"{row.Count(o => o.Level == g),9}")) + $"{row.Count,8}");
        }
        sb.AppendLine();
        var (anomaly, threat, threatOf) = Figures(outcomes);
        sb.AppendLine(CultureInfo.InvariantCulture, $"at least ANOMALY: {anomaly}/{outcomes.Count} ({Pct(anomaly, outcomes.Count)}; target 100%)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"THREAT, shells and tunnels: {threat}/{threatOf} ({Pct(threat, threatOf)}; target >= {ThreatTarget * 100:0}%)");
        foreach (var kind in Enum.GetValues<AttackKind>())
        {
            var k = outcomes.Where(o => o.Scenario.Kind == kind).ToList();
            if (k.Count > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {kind.ToString().ToLowerInvariant(),-7} {k.Count,3}: THREAT {k.Count(o => o.IsThreat)}, ANOMALY {k.Count(o => o.Level == "ANOMALY")}, NORMAL {k.Count(o => o.Level == "NORMAL")}, none {k.Count(o => o.Level == "NONE")}");
            }
        }
        sb.AppendLine();
        sb.AppendLine($"{"id",-4} {"kind",-7} {"wiring",-7} {"expect",-8} {"given",-8} {"conns",5} {"ran",-4} {"tool",-24} scenario / reasons of the worst connection");
        foreach (var o in outcomes)
        {
            var s = o.Scenario;
            var mark = o.MeetsMinimum ? " " : "!";
            var ran = o.Error is not null ? "err" : s.Kind == AttackKind.Beacon ? (o.Spread ? "yes" : "NO") : !s.MustAnswer ? "-" : o.Answered > 0 ? "yes" : "NO";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Id,-4} {s.Kind.ToString().ToLowerInvariant(),-7} {s.Wiring.ToString().ToLowerInvariant(),-7} {s.MinLevel,-8} {o.Level + mark,-8} {o.Connections.Count,5} {ran,-4} {s.Tool,-24} {s.Name}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"",47}{(o.Worst is { } w ? $"[{w.Comm}] {w.Reasons}" : "(no connection recorded)")}{(o.Error is { } e ? $"  ERROR {e}" : "")}");
        }
        var misses = outcomes.Where(o => !o.MeetsMinimum).ToList();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"misses ({misses.Count}), each with `n3ttrace explain` of its worst connection:");
        foreach (var o in misses)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"--- {o.Scenario.Id} {o.Scenario.Name}: {o.Level}, expected at least {o.Scenario.MinLevel}");
            sb.AppendLine(o.Explain ?? "(nothing to explain: no connection recorded)");
        }
        return sb.ToString();
    }

    /// <summary>Scenarios that did not run as designed, then target misses: empty when the corpus passes.</summary>
    /// <summary>What the issue asks: every scenario at least ANOMALY, and the THREAT share of shells and tunnels.</summary>
    public static List<string> TargetMisses(IReadOnlyList<AttackOutcome> outcomes)
    {
        var misses = new List<string>();
        foreach (var o in outcomes.Where(o => o.Valid && !o.AtLeastAnomaly))
        {
            misses.Add($"{o.Scenario.Id} {o.Scenario.Name}: {o.Level}, below ANOMALY");
        }
        var (_, threat, threatOf) = Figures(outcomes);
        if (threatOf > 0 && threat < ThreatTarget * threatOf)
        {
            misses.Add($"shells and tunnels: {threat}/{threatOf} THREAT ({Pct(threat, threatOf)}), target {ThreatTarget * 100:0}%");
        }
        return misses;
    }

    /// <summary>
    /// What makes the test fail: a scenario that did not run as designed, or figures below the floor. The floor is
    /// what the rules reached (less one scenario of run-to-run variance) when the held-out third was first run; the
    /// targets are not met yet and stay printed as misses, so a regression fails while the gap stays visible.
    /// </summary>
    public static List<string> Failures(IReadOnlyList<AttackOutcome> outcomes, Floor floor)
    {
        var failures = new List<string>();
        foreach (var o in outcomes.Where(o => !o.Valid))
        {
            failures.Add($"{o.Scenario.Id} did not run as designed: {o.Error ?? (o.Connections.Count == 0 ? "no connection recorded" : !o.Spread ? "the beacon's calls came in a burst (median gap " + o.MedianGapSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s between births)" : "the shell never answered")}");
        }
        var (anomaly, threat, _) = Figures(outcomes);
        if (anomaly < floor.AtLeastAnomaly)
        {
            failures.Add($"at least ANOMALY: {anomaly}/{outcomes.Count}, below the floor of {floor.AtLeastAnomaly}");
        }
        if (threat < floor.Threat)
        {
            failures.Add($"shells and tunnels THREAT: {threat}, below the floor of {floor.Threat}");
        }
        return failures;
    }

    /// <summary>Scenario counts a run must reach (see <see cref="Failures"/>).</summary>
    public sealed record Floor(int AtLeastAnomaly, int Threat);

    private static (int Anomaly, int Threat, int ThreatOf) Figures(IReadOnlyList<AttackOutcome> outcomes)
    {
        var threatScenarios = outcomes.Where(o => o.Scenario.MinLevel == "THREAT").ToList();
        return (outcomes.Count(o => o.AtLeastAnomaly), threatScenarios.Count(o => o.IsThreat), threatScenarios.Count);
    }

    public static string Pct(int n, int of) => of == 0 ? "n/a" : (100.0 * n / of).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
