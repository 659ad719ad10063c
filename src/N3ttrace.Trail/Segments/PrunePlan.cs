namespace N3ttrace.Trail.Segments;

/// <summary>What one prune removes: the segment numbers (oldest first) and, per chained file, its anchor record.</summary>
public sealed record PrunePlan(IReadOnlyList<long> Numbers, IReadOnlyList<PrunedFile> Files, long Bytes);

/// <summary>One chained file's share of a prune: its segments and the anchor that stands for them.</summary>
public sealed record PrunedFile(string File, IReadOnlyList<SegmentFile> Segments, PruneRecord Record);
