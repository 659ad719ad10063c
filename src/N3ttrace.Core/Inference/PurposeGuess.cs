namespace N3ttrace.Inference;

/// <summary>What a connection is probably for, how sure, and the evidence.</summary>
public sealed record PurposeGuess(string Purpose, double Confidence, IReadOnlyList<string> Evidence)
{
    public const string UpdateCheck = "update check";
    public const string Telemetry = "telemetry";
    public const string UserAction = "user action";
    public const string BackgroundService = "background service";
    public const string Unknown = "unknown";

    /// <summary>"purpose +0: update check (0.90): cgroup unit apt-daily.service, ancestor apt-get" (a reason entry).</summary>
    public string ToReason() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"purpose +0: {Purpose} ({Confidence:0.00}): {(Evidence.Count == 0 ? "no evidence" : string.Join(", ", Evidence))}");
}
