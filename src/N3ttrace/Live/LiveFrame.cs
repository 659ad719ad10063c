namespace N3ttrace.Cli.Live;

/// <summary>
/// An immutable picture of one refresh, built on the pipeline thread and drawn on another:
/// it holds no reference to live pipeline state. Text fields are display-safe already.
/// </summary>
public sealed record LiveFrame(
    DateTime NowUtc,
    string Mode,
    string ModeNote,
    double EventsPerSecond,
    long Dropped,
    int Active,
    string P90,
    string Longest,
    IReadOnlyList<long> Histogram,
    long LifetimeSamples,
    TimeSpan Window,
    SortMode Sort,
    long ViewSkipped,
    IReadOnlyList<LiveRow> Rows,
    bool Final,
    IReadOnlyList<RecentVerdict>? Recent = null,
    IReadOnlyList<long>? LevelCounts = null,
    string Filter = "",
    LiveCounters? Counters = null);
