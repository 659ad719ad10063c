namespace N3ttrace.Trail;

/// <summary>
/// The trail's files and what a row of each is, in one place for the writer (TrailSink, RecordWriter)
/// and every reader (TrailReader and those built on it, TimeMachine, ChainScanner via TrailVerifier).
/// A row is a data row when its chain_event is empty; otherwise it is a chain event with only ts set.
/// Only complete lines are rows: a last line without its newline is being written (or was torn by a crash).
/// </summary>
public static class TrailSchema
{
    public static readonly TrailFile BirthRecords = new(StateDirectory.BirthRecordsFile, BirthRecordColumns.Names, Sealed: false);
    public static readonly TrailFile Timeline = new(StateDirectory.TimelineFile, TimelineColumns.Names, Sealed: false);
    public static readonly TrailFile Checkpoints = new(CheckpointColumns.FileName, CheckpointColumns.Names, Sealed: true);
    public static readonly TrailFile Baseline = new(HostBaseline.FileName, HostBaseline.Columns, Sealed: false);

    public static IReadOnlyList<TrailFile> Files { get; } = [BirthRecords, Timeline, Checkpoints, Baseline];

    /// <summary>A row that carries data (a birth, a timeline event, a checkpoint, a baseline pair), not a chain event.</summary>
    public static bool IsDataRow(TrailRow row) => row[ChainColumns.EventColumn].Length == 0;

    /// <summary>The same test on split fields, for the byte-level readers that do not build a <see cref="TrailRow"/>.</summary>
    public static bool IsDataRow(ReadOnlySpan<string> fields, int chainEventIndex) =>
        fields.Length > chainEventIndex && fields[chainEventIndex].Length == 0;
}
