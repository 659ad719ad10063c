using System.Globalization;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A live connection older than this host's own lifetime quantile (p99 of ended connections by default,
/// never below a floor), or a fixed threshold while the host has too few samples. Long-lived service
/// connections (databases, brokers) are normal and score little.
/// </summary>
public sealed class LongevityRule : IRiskRule
{
    public string Name => "long-lived";

    public string Description => "alive longer than this host's own lifetime quantile (fixed threshold until enough samples)";

    public string Technique => "T1071";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Longevity is not { } t || s.Connection.State != Connections.ConnectionState.Active)
        {
            return null;
        }
        var age = s.Connection.AgeSeconds(s.NowBootNs);
        if (age < t.Seconds)
        {
            return null;
        }
        var basis = t.FromHost
            ? string.Create(CultureInfo.InvariantCulture, $"p{s.Config.LongevityQuantile * 100:0.#} of {t.Samples} ended connections here is {t.HostQuantileSeconds:0.###} s, floor {s.Config.LongevityFloorSeconds:0} s")
            : string.Create(CultureInfo.InvariantCulture, $"fixed threshold {t.Seconds:0} s until {s.Config.LongevityMinSamples} samples");
        var points = s.Cgroup.IsSystemService ? s.Config.ServiceLongevityPoints : s.Config.LongevityPoints;
        return new RuleHit(Name, points, string.Create(CultureInfo.InvariantCulture, $"alive over {t.Seconds:0.#} s ({basis})"), Technique);
    }
}
