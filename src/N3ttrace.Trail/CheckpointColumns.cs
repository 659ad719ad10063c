namespace N3ttrace.Trail;

/// <summary>
/// checkpoints.tsv: one row per chained file per checkpoint: how many rows it had and the hash of
/// the last, sealed with the epoch key (the mac column after the chain columns).
/// kind: resume (seals what a crashed run left, with the key of its epoch), start, periodic,
/// epoch-end (last seal before the key steps forward), stop, prune (see <see cref="Prune"/>).
/// </summary>
public static class CheckpointColumns
{
    public const string FileName = "checkpoints.tsv";

    public static readonly IReadOnlyList<string> Names = ["ts", "kind", "epoch", "file", "rows", "head"];

    /// <summary>Kinds of checkpoint (the kind column).</summary>
    public const string Resume = "resume";
    public const string Start = "start";
    public const string Periodic = "periodic";
    public const string EpochEnd = "epoch-end";
    public const string Stop = "stop";
    /// <summary>A prune anchor: rows and head are those of the last row retention removed from the file; the rows
    /// left chain onto it. Not a seal of the file's current end.</summary>
    public const string Prune = "prune";
}
