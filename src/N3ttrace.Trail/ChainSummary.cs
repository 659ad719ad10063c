namespace N3ttrace.Trail;

/// <summary>What verify found in one chained file.</summary>
public sealed class ChainSummary(string file)
{
    public string File { get; } = file;
    public bool Present { get; set; }
    /// <summary>Rows after the header (data and chain events).</summary>
    public long Rows { get; set; }
    public long DataRows { get; set; }
    public string? FirstTs { get; set; }
    public string? LastTs { get; set; }
    /// <summary>Rows sealed by a checkpoint (the rest is the tail written since the last one).</summary>
    public long SealedRows { get; set; }
    public long Starts { get; set; }
    public long Stops { get; set; }
    public List<string> Recoveries { get; } = [];
    /// <summary>Gap records: what the tracer knows it did not see, with window and count.</summary>
    public List<string> Gaps { get; } = [];
    public string? LastEvent { get; set; }
    /// <summary>Prune anchors found in the file: what retention removed, and when ("pruned N segment(s) ... at T").</summary>
    public List<string> Prunes { get; } = [];
    /// <summary>The file begins after pruned rows 1..this (0: nothing pruned), proven by a sealed prune anchor.</summary>
    public long PrunedThrough { get; set; }
}
