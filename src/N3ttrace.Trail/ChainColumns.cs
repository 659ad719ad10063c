namespace N3ttrace.Trail;

/// <summary>
/// The columns every chained trail file ends with. chain_hash = SHA-256 over the file's tag and
/// the row's bytes up to (not including) the tab before chain_hash: its data, seq, event and the
/// predecessor's hash. A row whose chain_event is not empty is a chain event (start, stop,
/// recovery, epoch, write-failure), not data: only its ts column is set.
/// </summary>
public static class ChainColumns
{
    public const string EventColumn = "chain_event";

    public static readonly IReadOnlyList<string> Names = ["chain_seq", EventColumn, "chain_prev", "chain_hash"];

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

    public static IReadOnlyList<string> With(IReadOnlyList<string> dataColumns, bool sealedFile) =>
        [.. dataColumns, .. Names, .. sealedFile ? new[] { Mac } : []];
}
