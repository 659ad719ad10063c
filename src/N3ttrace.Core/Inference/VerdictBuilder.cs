using N3ttrace.Connections;

namespace N3ttrace.Inference;

/// <summary>Turns rule hits and a purpose into a verdict: score = capped sum of points, level by the configured thresholds.</summary>
public static class VerdictBuilder
{
    public static Verdict Build(IReadOnlyList<RuleHit> hits, PurposeGuess purpose, RulesConfig config)
    {
        var sum = 0;
        foreach (var h in hits)
        {
            sum += h.Points;
        }
        var score = Math.Min(100, sum);
        var level = score >= config.ThreatScore ? RiskLevel.Threat : score >= config.AnomalyScore ? RiskLevel.Anomaly : RiskLevel.Normal;
        var reasons = new List<string>(hits.Count + 1);
        foreach (var h in hits.OrderByDescending(h => h.Points))
        {
            reasons.Add(h.ToString());
        }
        reasons.Add(purpose.ToReason());
        return new Verdict(purpose.Purpose, purpose.Confidence, level, score, reasons);
    }
}
