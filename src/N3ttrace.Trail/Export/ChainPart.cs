using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail.Export;

/// <summary>The part of one chained file a bundle carries: whole sealed segments, in order, then maybe the live file,
/// and where the part's chain starts (null: at the genesis, the file's first row).</summary>
public sealed record ChainPart(string File, IReadOnlyList<SegmentFile> Segments, bool Live, ChainStart? Start);
