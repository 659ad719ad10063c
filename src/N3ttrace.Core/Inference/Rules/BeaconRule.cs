using System.Globalization;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// Regular connections from one lineage to one destination (RITA-style: Bowley skew, MAD over the
/// median interval, interval histogram), tolerant to jitter and blind to the interval's size.
/// Once recognised, a pair stays a beacon down to a 0.1 lower regularity (hysteresis: jitter does not make it flicker).
/// From a system service or a supervised/scheduled process, periodic traffic is expected (telemetry, health checks) and scores little.
/// </summary>
public sealed class BeaconRule : IRiskRule
{
    public string Name => "beacon";

    public string Description => "regular connections from one lineage to one destination (beaconing)";

    public string Technique => "T1071";

    public RuleHit? Evaluate(Subject s)
    {
        if (!IsBeacon(s.Beacon, s.Config))
        {
            return null;
        }
        var b = s.Beacon!;
        var what = string.Create(CultureInfo.InvariantCulture,
            $"{b.Connections} calls every {b.MedianSeconds:0.##} s (jitter {b.Jitter * 100:0}%, regularity {b.Score:0.00}) to one destination");
        var supervised = s.Cgroup.IsSystemService || (s.Connection.Process is { } n && s.HasAutomationLauncher(n, out _));
        return supervised
            ? new RuleHit(Name, s.Config.ServiceBeaconPoints, $"periodic service traffic: {what}", Technique)
            : new RuleHit(Name, s.Config.BeaconPoints, what, Technique);
    }

    public static bool IsBeacon(BeaconObservation? b, RulesConfig c) =>
        b is not null && b.Connections >= c.BeaconMinConnections && b.MedianSeconds >= c.BeaconMinIntervalSeconds
        && b.Score >= c.BeaconScoreThreshold - (b.WasBeacon ? 0.1 : 0);
}
