namespace N3ttrace.Trail;

/// <summary>Cadences of the trail; defaults for production, tests shorten them and drive the clock.</summary>
public sealed record TrailOptions
{
    /// <summary>How long one sealing key lives before its one-way step.</summary>
    public TimeSpan EpochLength { get; init; } = SealingKey.DefaultEpoch;

    /// <summary>How often the chain heads are checkpointed (when they moved).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often written rows are forced to disk: what a crash can lose.</summary>
    public TimeSpan DiskSyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A keyframe of the active set is written once this many timeline rows (or twice the active count,
    /// if larger) followed the last one: time travel replays at most that much, and the timeline stays O(events).</summary>
    public int KeyframeEveryRows { get; init; } = 5_000;

    /// <summary>Write a new state directory in format 1 (the format before process certificates): for benchmarks
    /// side by side with the current format and for migration tests. An existing directory keeps its format anyway.</summary>
    public bool WriteFormat1 { get; init; }

    /// <summary>Write a new state directory in format 2 (chain_hash on every row, timeline birth rows): benchmarks side by side.</summary>
    public bool WriteFormat2 { get; init; }

    /// <summary>
    /// Set when capture resumes a pinned kernel side that has been capturing without a break since this time (it
    /// outlived the last run): the time since the last run's end is then no not-running gap (what the kernel lost
    /// meanwhile comes as kernel-drop gaps), and births the last run already wrote are not written twice.
    /// </summary>
    public DateTime? KernelCapturingSince { get; init; }

    /// <summary>The live birth records and timeline are cut into a sealed segment once either holds this many bytes...</summary>
    public long SegmentBytes { get; init; } = DefaultSegmentBytes;

    /// <summary>... or once the segment is this old (counted from its first row, or from this run's start).</summary>
    public TimeSpan SegmentAge { get; init; } = DefaultSegmentAge;

    /// <summary>Sealed segments are compressed with Brotli in the background (<see cref="Segments.SegmentCompressor"/>).</summary>
    public bool CompressSegments { get; init; } = true;

    /// <summary>Sealed segments whose rows are all older than this are pruned (<see cref="Segments.SegmentPruner"/>);
    /// zero keeps them whatever their age.</summary>
    public TimeSpan Retain { get; init; }

    /// <summary>Sealed segments are pruned, oldest first, while the state directory holds more than this many bytes; zero: no cap.
    /// With either limit set, a full disk prunes the oldest sealed segment too; with neither, writing pauses until room returns.</summary>
    public long MaxDiskBytes { get; init; }

    /// <summary>Pruning is on: at least one limit is set.</summary>
    public bool Prunes => Retain > TimeSpan.Zero || MaxDiskBytes > 0;

    public const long DefaultSegmentBytes = 64L << 20;
    public static readonly TimeSpan DefaultSegmentAge = TimeSpan.FromHours(1);

    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;
}
