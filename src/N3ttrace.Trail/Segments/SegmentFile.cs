namespace N3ttrace.Trail.Segments;

/// <summary>One sealed segment on disk: its number, its path, and whether it is Brotli-compressed.</summary>
public sealed record SegmentFile(long Number, string Path, bool Compressed);
