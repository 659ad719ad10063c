namespace N3ttrace.Trail;

/// <summary>
/// The columns every chained trail file ends with. chain_hash = SHA-256 over the file's tag and
/// the row's data, seq, event and the predecessor's hash, tab-separated. The predecessor's hash is
/// not stored (it is the previous row's chain_hash); files of format 1 also stored it as chain_prev,
/// in the same place of the hashed text, so both formats hash the same bytes. A row whose chain_event
/// is not empty is a chain event (start, stop, recovery, epoch, write-failure), not data: only its ts column is set.
/// </summary>
public static class ChainColumns
{
    public const string EventColumn = "chain_event";

    public static readonly IReadOnlyList<string> Names = ["chain_seq", EventColumn, "chain_hash"];

    /// <summary>The chain columns of format 1 (files written before the process certificates): chain_prev too.</summary>
    public static readonly IReadOnlyList<string> LegacyNames = ["chain_seq", EventColumn, Prev, "chain_hash"];

    public const string Prev = "chain_prev";

    /// <summary>
    /// The chain columns of format 3 (birth records and timeline): chain_head holds the row's chain hash only on the
    /// last row of each write (so the file always ends with the full head), and is empty where it can be derived
    /// (the hash of the row above and this row's bytes). Every row is still hashed into the chain; seals cover full heads.
    /// </summary>
    public static readonly IReadOnlyList<string> HeadNames = ["chain_seq", EventColumn, Head];

    public const string Hash = "chain_hash";
    public const string Head = "chain_head";

    public static bool IsChainColumn(string name) => LegacyNames.Contains(name) || name == Head;

    /// <summary>The extra column after chain_hash in the sealed checkpoints file.</summary>
    public const string Mac = "mac";

    public const string Start = "start";
    public const string Stop = "stop";
    public const string Recovery = "recovery";
    public const string Epoch = "epoch";
    public const string WriteFailure = "write-failure";
    /// <summary>What was not seen, as a record: "gap cause=C records=N from=TS to=TS" (contract 8).</summary>
    public const string Gap = "gap";

    public static string GapEvent(string cause, long? records, string from, string to) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Gap} cause={cause} records={(records is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")} from={from} to={to}");

    public static IReadOnlyList<string> With(IReadOnlyList<string> dataColumns, bool sealedFile, bool legacy = false, bool headOnly = false) =>
        [.. dataColumns, .. legacy ? LegacyNames : headOnly ? HeadNames : Names, .. sealedFile ? new[] { Mac } : []];
}
