namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>What the trail concluded about one attack scenario, and whether the scenario itself really happened.</summary>
internal sealed record AttackOutcome(AttackScenario Scenario, IReadOnlyList<ConnectionVerdict> Connections, int Answered, string? Error, string? Explain)
{
    /// <summary>Highest level over the scenario's connections; NONE when nothing was recorded.</summary>
    public string Level => Connections.Count == 0 ? "NONE" : Connections.Select(c => c.Level).MaxBy(ConnectionVerdict.Rank)!;

    /// <summary>The connection that reached the highest level (the first, on ties): the one to explain.</summary>
    public ConnectionVerdict? Worst => Connections.OrderByDescending(c => ConnectionVerdict.Rank(c.Level)).FirstOrDefault();

    /// <summary>The scenario ran as designed: it connected, and a shell really answered the listener's command.</summary>
    public bool Valid => Error is null && Connections.Count > 0 && (!Scenario.MustAnswer || Answered > 0);

    public bool MeetsMinimum => ConnectionVerdict.Rank(Level) >= ConnectionVerdict.Rank(Scenario.MinLevel);

    public bool AtLeastAnomaly => ConnectionVerdict.Rank(Level) >= ConnectionVerdict.Rank("ANOMALY");

    public bool IsThreat => Level == "THREAT";
}
