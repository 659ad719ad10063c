using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail.Export;

/// <summary>A part of one chained file a bundle carries: whole sealed segments, in order, then maybe the live file,
/// and where the part's chain starts (null: at the genesis, the file's first row). <paramref name="Dir"/> is where it
/// lies under trail/: "" for the part that holds the window, earlier-NNNNNN for an earlier run of birth-record
/// segments (the births of connections that were born before the window and seen in it).</summary>
public sealed record ChainPart(string File, IReadOnlyList<SegmentFile> Segments, bool Live, ChainStart? Start, string Dir = "");
