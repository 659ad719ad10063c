namespace N3ttrace.Trail;

/// <summary>
/// The trail's files and what a row of each is, in one place for the writer (TrailSink, RecordWriter)
/// and every reader (TrailReader and those built on it, TimeMachine, ChainScanner via TrailVerifier).
/// A row is a data row when its chain_event is empty; otherwise it is a chain event with only ts set.
/// Only complete lines are rows: a last line without its newline is being written (or was torn by a crash).
/// </summary>
public static class TrailSchema
{
    public static readonly TrailFile BirthRecords = new(StateDirectory.BirthRecordsFile, BirthRecordColumns.Format3Names, Sealed: false,
        BirthRecordColumns.Format1Names, HeadOnly: true, BirthRecordColumns.StoredNamesBeforeDirection,
        // Before proto a UDP row would read as tcp: not appended to. Before netns: appended to without it.
        [(BirthRecordColumns.EarlierFormat3Names[0], false), (BirthRecordColumns.EarlierFormat3Names[1], true)]);
    public static readonly TrailFile Timeline = new(StateDirectory.TimelineFile, TimelineColumns.StoredNames, Sealed: false,
        TimelineColumns.LegacyNames, HeadOnly: true, TimelineColumns.StoredNamesBeforeDirection);
    /// <summary>Format 2: the process certificates birth records point to (process_cert).</summary>
    public static readonly TrailFile Processes = new(ProcessCertificateColumns.FileName, ProcessCertificateColumns.Names, Sealed: false,
        Earlier: [(ProcessCertificateColumns.EarlierNames[0], true)]);
    /// <summary>Format 2: the reasons texts birth and timeline rows point to (reasons_id).</summary>
    public static readonly TrailFile Reasons = new(ReasonColumns.FileName, ReasonColumns.Names, Sealed: false);
    public static readonly TrailFile Checkpoints = new(CheckpointColumns.FileName, CheckpointColumns.Names, Sealed: true);
    public static readonly TrailFile Baseline = new(HostBaseline.FileName, HostBaseline.Columns, Sealed: false);

    public static IReadOnlyList<TrailFile> Files { get; } = [BirthRecords, Timeline, Processes, Reasons, Checkpoints, Baseline];

    /// <summary>The files whose heads checkpoints.tsv seals, in the order they are sealed.</summary>
    public static IReadOnlyList<TrailFile> SealedFiles { get; } = [BirthRecords, Timeline, Processes, Reasons];

    /// <summary>
    /// The trail format: 3 since birth records and the timeline store the chain head only on the last row of each
    /// write (chain_head), the timeline has no birth rows (the birth record is the birth) and death and fail rows
    /// store only what is not in the birth record. 2: process certificates stored once (processes.tsv, reasons.tsv,
    /// no chain_prev). Formats 1 and 2 are still read, verified and appended to in their own format.
    /// </summary>
    public const int Format = 3;

    /// <summary>A row that carries data (a birth, a timeline event, a checkpoint, a baseline pair), not a chain event.</summary>
    public static bool IsDataRow(TrailRow row) => row[ChainColumns.EventColumn].Length == 0;

    /// <summary>The same test on split fields, for the byte-level readers that do not build a <see cref="TrailRow"/>.</summary>
    public static bool IsDataRow(ReadOnlySpan<string> fields, int chainEventIndex) =>
        fields.Length > chainEventIndex && fields[chainEventIndex].Length == 0;
}
