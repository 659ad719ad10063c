namespace N3ttrace.Inference;

/// <summary>The age above which a live connection counts as long-lived, and where the number came from.</summary>
public sealed record LongevityThreshold(double Seconds, double HostQuantileSeconds, long Samples, bool FromHost)
{
    public static LongevityThreshold From(LifetimeDistribution d, RulesConfig c)
    {
        if (d.Count < c.LongevityMinSamples)
        {
            return new(c.LongevityFixedSeconds, 0, d.Count, false);
        }
        var q = d.Quantile(c.LongevityQuantile);
        return new(Math.Max(c.LongevityFloorSeconds, q), q, d.Count, true);
    }
}
