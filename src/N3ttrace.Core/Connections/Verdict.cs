namespace N3ttrace.Connections;

public enum RiskLevel
{
    Normal,
    Anomaly,
    Threat,
}

/// <summary>What a connection is probably for and how suspicious it is, with the reasons.</summary>
public sealed record Verdict(string Purpose, double Confidence, RiskLevel Level, int Score, IReadOnlyList<string> Reasons)
{
    public static readonly Verdict Unscored = new("unknown", 0, RiskLevel.Normal, 0, []);

    public static string LevelName(RiskLevel level) => level switch
    {
        RiskLevel.Threat => "THREAT",
        RiskLevel.Anomaly => "ANOMALY",
        _ => "NORMAL",
    };
}
