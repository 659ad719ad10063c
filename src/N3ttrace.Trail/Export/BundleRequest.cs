namespace N3ttrace.Trail.Export;

/// <summary>Everything that goes into one bundle besides the trail: who, when, which case.</summary>
public sealed record BundleRequest(
    HostFacts Host,
    string ProductVersion,
    DateTime ExportUtc,
    string? CaseId,
    string? Examiner);
