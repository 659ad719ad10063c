namespace N3ttrace.Trail.Export;

/// <summary>Everything that goes into one bundle besides the trail rows.</summary>
public sealed record BundleRequest(
    TrailWindow Trail,
    HostFacts Host,
    string ProductVersion,
    DateTime ExportUtc,
    string? CaseId,
    string? Examiner,
    TrailVerification? Verification,
    IReadOnlyList<BundleFile> Checkpoints,
    IReadOnlyList<string> CheckpointNotes);
