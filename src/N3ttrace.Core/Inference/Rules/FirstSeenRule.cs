using System.Globalization;

namespace N3ttrace.Inference.Rules;

/// <summary>An executable reaching a destination this host's persistent baseline has never seen it reach.</summary>
public sealed class FirstSeenRule : IRiskRule
{
    public string Name => "first-seen";

    public string Description => "first connection of this executable to this destination (per-host baseline, kept across restarts)";

    public string Technique => "T1071";

    public RuleHit? Evaluate(Subject s) => s.FirstSeen
        ? new RuleHit(Name, s.Config.FirstSeenPoints,
            string.Create(CultureInfo.InvariantCulture, $"{Subject.Label(s.Exe)} never reached this destination before (baseline {s.BaselineSize} pairs)"), Technique)
        : null;
}
