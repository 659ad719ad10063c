namespace N3ttrace.Trail.Export;

public enum ExportFormat
{
    /// <summary>.tar.gz with the window's TSV files, checkpoints, manifest, report, SHA256SUMS, README.</summary>
    Bundle,
    /// <summary>One flat n3ttrace JSON object per timeline event.</summary>
    Jsonl,
    /// <summary>One OCSF 1.1 Network Activity event per timeline event.</summary>
    Ocsf,
}
