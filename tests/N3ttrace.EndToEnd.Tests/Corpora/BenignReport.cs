using System.Globalization;
using System.Text;

namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// The benign corpus's figures and targets, per connection: 0 THREAT, at most 5% ANOMALY, the right purpose for at
/// least 90%, `unknown` for at most 5%.
/// </summary>
internal static class BenignReport
{
    public const double AnomalyMax = 0.05;
    public const double PurposeMin = 0.90;
    public const double UnknownMax = 0.05;

    private static readonly string[] Levels = ["NORMAL", "ANOMALY", "THREAT"];

    public static string Format(IReadOnlyList<BenignPart> parts, IReadOnlyList<BenignOutcome> outcomes, IReadOnlyList<string> notes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"== BENIGN CORPUS: {parts.Count} parts, {outcomes.Count} connections, shipped default rules ==");
        foreach (var n in notes)
        {
            sb.AppendLine("note: " + n);
        }
        sb.AppendLine();
        sb.AppendLine("confusion table: expected level (rows) x given level (columns), connections");
        sb.AppendLine($"{"expected",-10}" + string.Concat(Levels.Select(l => $"{l,9}")) + $"{"total",8}");
        sb.AppendLine($"{"NORMAL",-10}" + string.Concat(Levels.Select(l => $"{outcomes.Count(o => o.Verdict.Level == l),9}")) + $"{outcomes.Count,8}");
        sb.AppendLine();
        var given = outcomes.Select(o => o.Verdict.Purpose).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToList();
        sb.AppendLine("purpose: expected (rows) x given (columns), connections");
        sb.AppendLine($"{"expected",-20}" + string.Concat(given.Select(g => $"{g,20}")));
        foreach (var expected in outcomes.Select(o => o.Part.Purpose).Distinct().OrderBy(p => p, StringComparer.Ordinal))
        {
            var row = outcomes.Where(o => o.Part.Purpose == expected).ToList();
            sb.AppendLine($"{expected,-20}" + string.Concat(given.Select(g => $"{row.Count(o => o.Verdict.Purpose == g),20}")));
        }
        sb.AppendLine();
        var (threat, anomaly, right, unknown) = Figures(outcomes);
        sb.AppendLine(CultureInfo.InvariantCulture, $"THREAT: {threat} (target 0)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"ANOMALY: {anomaly}/{outcomes.Count} ({AttackReport.Pct(anomaly, outcomes.Count)}; target <= {AnomalyMax * 100:0}%)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"purpose right: {right}/{outcomes.Count} ({AttackReport.Pct(right, outcomes.Count)}; target >= {PurposeMin * 100:0}%)");
        var perPart = parts.Select(p => outcomes.Where(o => o.Part == p).ToList()).Where(m => m.Count > 0).Select(m => (double)m.Count(o => o.PurposeRight) / m.Count).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"purpose right, each part weighing the same (not a target; busy parts dominate the per-connection figure): {(perPart.Count == 0 ? "n/a" : (100 * perPart.Average()).ToString("0.0", CultureInfo.InvariantCulture) + "%")}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"purpose unknown: {unknown}/{outcomes.Count} ({AttackReport.Pct(unknown, outcomes.Count)}; target <= {UnknownMax * 100:0}%)");
        sb.AppendLine();
        sb.AppendLine($"{"id",-4} {"conns",5} {"THREAT",6} {"ANOMALY",7}  {"expected purpose",-19} {"given purposes",-34} part (context)");
        foreach (var p in parts)
        {
            var mine = outcomes.Where(o => o.Part == p).ToList();
            var purposes = string.Join(", ", mine.GroupBy(o => o.Verdict.Purpose).Select(g => $"{g.Key} x{g.Count()}"));
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{p.Id,-4} {mine.Count,5} {mine.Count(o => o.Verdict.Level == "THREAT"),6} {mine.Count(o => o.Verdict.Level == "ANOMALY"),7}  {p.Purpose,-19} {purposes,-34} {p.Name} ({p.Context})");
        }
        var misses = outcomes.Where(o => o.Miss).ToList();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"misses ({misses.Count} connections): every level miss with its `n3ttrace explain`; purpose-only misses grouped by part and given purpose, one explained per group");
        foreach (var o in misses)
        {
            var what = o.Verdict.Level != "NORMAL" ? $"{o.Verdict.Level}, purpose {o.Verdict.Purpose}" : $"purpose {o.Verdict.Purpose}";
            sb.AppendLine(CultureInfo.InvariantCulture, $"--- {o.Part.Id} {o.Part.Name}: [{o.Verdict.Comm}] {what}, expected NORMAL / {o.Part.Purpose}: {o.Verdict.Reasons}");
            if (o.Explain is { } e)
            {
                sb.AppendLine(e);
            }
        }
        return sb.ToString();
    }

    public static List<string> Failures(IReadOnlyList<BenignPart> parts, IReadOnlyList<BenignOutcome> outcomes, IReadOnlyList<string> notes)
    {
        var failures = notes.Select(n => "a part did not run as designed: " + n).ToList();
        failures.AddRange(parts.Where(p => outcomes.All(o => o.Part != p)).Select(p => $"{p.Id} {p.Name}: no connection recorded"));
        var (threat, anomaly, right, unknown) = Figures(outcomes);
        var n = Math.Max(1, outcomes.Count);
        if (threat > 0)
        {
            failures.Add($"{threat} THREAT verdicts on benign connections (target 0)");
        }
        if (anomaly > AnomalyMax * n)
        {
            failures.Add($"ANOMALY {AttackReport.Pct(anomaly, outcomes.Count)} (target <= {AnomalyMax * 100:0}%)");
        }
        if (right < PurposeMin * n)
        {
            failures.Add($"purpose right {AttackReport.Pct(right, outcomes.Count)} (target >= {PurposeMin * 100:0}%)");
        }
        if (unknown > UnknownMax * n)
        {
            failures.Add($"purpose unknown {AttackReport.Pct(unknown, outcomes.Count)} (target <= {UnknownMax * 100:0}%)");
        }
        return failures;
    }

    private static (int Threat, int Anomaly, int Right, int Unknown) Figures(IReadOnlyList<BenignOutcome> outcomes) =>
        (outcomes.Count(o => o.Verdict.Level == "THREAT"), outcomes.Count(o => o.Verdict.Level == "ANOMALY"),
         outcomes.Count(o => o.PurposeRight), outcomes.Count(o => o.Verdict.Purpose == "unknown"));
}
