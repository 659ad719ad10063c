namespace N3ttrace.Trail.Export;

/// <summary>The outcome of checking a bundle: one line per file, and every problem named.</summary>
public sealed class BundleVerification
{
    public List<string> Problems { get; } = [];
    public List<(string Name, string Status)> Files { get; } = [];
    public string? Root { get; set; }
    public string? HostName { get; set; }
    public string? Window { get; set; }
    public string? CaseId { get; set; }
    public string? ExportedAt { get; set; }
    public string? TrailVerified { get; set; }
    /// <summary>What the trail's own verifier found in the bundled chain (trail/).</summary>
    public string? TrailChain { get; set; }
    public bool SealsChecked { get; set; }
    public bool Ok => Problems.Count == 0;
}
