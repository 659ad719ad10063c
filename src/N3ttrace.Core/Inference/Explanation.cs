using System.Globalization;
using System.Text;
using N3ttrace.Text;

namespace N3ttrace.Inference;

/// <summary>
/// `n3ttrace explain`: every rule's contribution to one connection's verdicts, read from the trail.
/// The trail stores each contribution in the reasons column ("rule +N: text"), so the explanation is
/// what the running engine decided, not a re-run: a rule absent from the reasons contributed 0.
/// </summary>
public static class Explanation
{
    private static readonly string[] Shown = ["ts", "conn_id", "pid", "ppid", "comm", "exe", "cmdline", "cwd", "uid", "loginuid", "session", "tty", "cgroup", "ancestry", "facts", "remote_masked", "remote_scope", "rport", "source"];

    /// <summary>birth: the birth record; changes: the connection's timeline rows of event "level", oldest first.</summary>
    public static string Format(IReadOnlyDictionary<string, string> birth, IReadOnlyList<IReadOnlyDictionary<string, string>> changes, RulesConfig config)
    {
        var sb = new StringBuilder();
        foreach (var k in Shown)
        {
            if (birth.TryGetValue(k, out var v))
            {
                sb.Append(CultureInfo.InvariantCulture, $"{k,-14}{TextEscaper.Escape(v)}\n");
            }
        }
        sb.Append('\n');
        Verdict(sb, "verdict at birth", birth);
        foreach (var c in changes)
        {
            sb.Append('\n');
            Verdict(sb, $"verdict changed at {TextEscaper.Escape(c.GetValueOrDefault("ts", "?"))} (connection age {TextEscaper.Escape(c.GetValueOrDefault("duration_s", "?"))} s)", c);
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"\nlevels: ANOMALY at score >= {config.AnomalyScore}, THREAT at >= {config.ThreatScore} (this explain's rules; the trail does not record the thresholds the run used).\n");
        sb.Append("contributions are as recorded by the running engine; a rule with 0 did not fire.\n");
        return sb.ToString();
    }

    private static void Verdict(StringBuilder sb, string title, IReadOnlyDictionary<string, string> row)
    {
        var reasons = RecordedReason.ParseAll(row.GetValueOrDefault("reasons", ""));
        sb.Append(CultureInfo.InvariantCulture,
            $"{title}: {TextEscaper.Escape(row.GetValueOrDefault("level", "?"))}, score {TextEscaper.Escape(row.GetValueOrDefault("score", "?"))}, purpose {TextEscaper.Escape(row.GetValueOrDefault("purpose", "?"))}\n");
        var total = 0;
        foreach (var rule in RuleCatalog.All)
        {
            var hit = reasons.FirstOrDefault(r => r.Rule == rule.Name);
            total += hit?.Points ?? 0;
            var what = hit is null ? $"0    ({rule.Description})" : $"+{hit.Points,-3} {hit.Text} [{(hit.Technique.Length > 0 ? hit.Technique : rule.Technique)}]";
            sb.Append(CultureInfo.InvariantCulture, $"  {rule.Name,-14}{TextEscaper.Escape(what)}\n");
        }
        foreach (var other in reasons.Where(r => r.Rule != "purpose" && RuleCatalog.All.All(x => x.Name != r.Rule)))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {"(other)",-14}{TextEscaper.Escape(other.Rule.Length > 0 ? $"{other.Rule} +{other.Points}: {other.Text}" : other.Text)}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"  {"total",-14}{total} -> score {Math.Min(100, total)}\n");
        if (reasons.FirstOrDefault(r => r.Rule == "purpose") is { } purpose)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {"purpose",-14}{TextEscaper.Escape(purpose.Text)}\n");
        }
    }
}
