namespace N3ttrace.Trail.Segments;

/// <summary>
/// What the index knows of one sealed segment: its plain size (a compressed segment's length before compression),
/// its rows, the span of its timestamps, its first and last chain_seq and the first keyframe in it (empty if none).
/// </summary>
public sealed record SegmentIndexEntry(string File, long Number, long PlainBytes, long Rows, string FirstTs, string LastTs,
    long FirstSeq, long LastSeq, string FirstKeyframeTs);
