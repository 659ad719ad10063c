namespace N3ttrace.Trail;

/// <summary>
/// One chained file of the trail: its name, its data columns, and whether rows carry a seal (mac).
/// <paramref name="LegacyDataColumns"/>: the data columns this file had in format 1 (before process
/// certificates), which is still read and, in a state directory that holds it, still appended to.
/// <paramref name="HeadOnly"/>: since format 3 the file stores chain_head (the full hash on the last row of each
/// write only) instead of chain_hash on every row; files of format 2 (chain_hash) are still read and appended to.
/// </summary>
/// <paramref name="Format2DataColumns"/>: the data columns of format 2 when format 3 changed them.
/// <paramref name="Earlier"/>: data columns earlier releases wrote in the current format (a column added since), read and
/// verified like the current ones; Appendable when the columns missing there may be left out of appended rows.
public sealed record TrailFile(string Name, IReadOnlyList<string> DataColumns, bool Sealed, IReadOnlyList<string>? LegacyDataColumns = null, bool HeadOnly = false, IReadOnlyList<string>? Format2DataColumns = null,
    IReadOnlyList<(IReadOnlyList<string> Columns, bool Appendable)>? Earlier = null)
{
    /// <summary>The earlier release's columns whose header this is (as this file's format stores chain columns), or null.</summary>
    public (IReadOnlyList<string> Columns, bool Appendable)? EarlierOf(string headerLine) =>
        Earlier?.Where(e => string.Join('\t', ChainColumns.With(e.Columns, Sealed, headOnly: HeadOnly)) == headerLine)
            .Select(e => ((IReadOnlyList<string> Columns, bool Appendable)?)e).FirstOrDefault();

    /// <summary>Every header line an earlier release of the current format wrote (the chain scanner accepts them).</summary>
    public IEnumerable<string> EarlierHeaderLines =>
        (Earlier ?? []).Select(e => string.Join('\t', ChainColumns.With(e.Columns, Sealed, headOnly: HeadOnly)));

    /// <summary>Data columns, then <see cref="ChainColumns.Names"/> (or HeadNames), then mac in a sealed file.</summary>
    public IReadOnlyList<string> Columns { get; } = ChainColumns.With(DataColumns, Sealed, headOnly: HeadOnly);

    public string HeaderLine => string.Join('\t', Columns);

    /// <summary>The header of this file in format 2 (chain_hash on every row); the same as <see cref="HeaderLine"/> unless HeadOnly.</summary>
    public string Format2HeaderLine => string.Join('\t', ChainColumns.With(Format2DataColumns ?? DataColumns, Sealed));

    /// <summary>The data columns of a file of <paramref name="format"/>.</summary>
    public IReadOnlyList<string> DataColumnsOf(int format) =>
        format == 1 ? LegacyDataColumns ?? DataColumns : format == 2 ? Format2DataColumns ?? DataColumns : DataColumns;

    /// <summary>The header of this file in format 1 (data columns, chain columns with chain_prev).</summary>
    public string LegacyHeaderLine => string.Join('\t', ChainColumns.With(LegacyDataColumns ?? DataColumns, Sealed, legacy: true));

    /// <summary>The format a header line says (1, 2 or 3), or 0 when it is none of this file's.</summary>
    public int FormatOf(string headerLine) =>
        headerLine == HeaderLine ? (HeadOnly ? 3 : 2) : headerLine == Format2HeaderLine ? 2 : headerLine == LegacyHeaderLine ? 1 : 0;

    /// <summary>Index of chain_event: empty in a data row, the event (start, stop, ...) in a chain row.</summary>
    public int ChainEventIndex => DataColumns.Count + 1;
}
