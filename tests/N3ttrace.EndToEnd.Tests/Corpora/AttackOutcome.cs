namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>What the trail concluded about one attack scenario, and whether the scenario itself really happened.</summary>
internal sealed record AttackOutcome(AttackScenario Scenario, IReadOnlyList<ConnectionVerdict> Connections, int Answered, string? Error, string? Explain)
{
    /// <summary>Highest level over the scenario's connections; NONE when nothing was recorded.</summary>
    public string Level => Connections.Count == 0 ? "NONE" : Connections.Select(c => c.Level).MaxBy(ConnectionVerdict.Rank)!;

    /// <summary>The connection that reached the highest level (the first, on ties): the one to explain.</summary>
    public ConnectionVerdict? Worst => Connections.OrderByDescending(c => ConnectionVerdict.Rank(c.Level)).FirstOrDefault();

    /// <summary>The scenario ran as designed: it connected, and a shell really answered the listener's command.</summary>
    public bool Valid => Error is null && Connections.Count > 0 && (!Scenario.MustAnswer || Answered > 0) && Spread;

    /// <summary>A beacon really kept a schedule: its calls are spread out, not a burst (a harness whose sleep failed once
    /// ran 20 calls in under a second, and every beacon figure measured that burst).</summary>
    public bool Spread => Scenario.Kind != AttackKind.Beacon || MedianGapSeconds >= MinBeaconGapSeconds;

    public const double MinBeaconGapSeconds = 0.5;

    /// <summary>Median time between consecutive connection births (0 for fewer than two).</summary>
    public double MedianGapSeconds
    {
        get
        {
            var births = Connections.Select(c => c.Birth).Order().ToList();
            var gaps = births.Zip(births.Skip(1), (a, b) => (b - a).TotalSeconds).Order().ToList();
            return gaps.Count == 0 ? 0 : gaps[gaps.Count / 2];
        }
    }

    public bool MeetsMinimum => ConnectionVerdict.Rank(Level) >= ConnectionVerdict.Rank(Scenario.MinLevel);

    public bool AtLeastAnomaly => ConnectionVerdict.Rank(Level) >= ConnectionVerdict.Rank("ANOMALY");

    public bool IsThreat => Level == "THREAT";
}
