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

    /// <summary>The reasons as one record field, joined once (every row of the connection carries them).</summary>
    public string ReasonsText => _reasonsText ??= string.Join("; ", Reasons);

    // Not copied by `with`: a copy may carry other reasons.
    private string? _reasonsText;

    public Verdict(Verdict other)
    {
        (Purpose, Confidence, Level, Score, Reasons) = (other.Purpose, other.Confidence, other.Level, other.Score, other.Reasons);
    }

    /// <summary>The names of the levels as written in the trail, forwarded and exported.</summary>
    public const string Normal = "NORMAL";
    public const string Anomaly = "ANOMALY";
    public const string Threat = "THREAT";

    public static IReadOnlyList<string> LevelNames { get; } = [Normal, Anomaly, Threat];

    public static string LevelName(RiskLevel level) => level switch
    {
        RiskLevel.Threat => Threat,
        RiskLevel.Anomaly => Anomaly,
        _ => Normal,
    };
}
