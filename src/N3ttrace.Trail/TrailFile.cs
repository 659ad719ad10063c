namespace N3ttrace.Trail;

/// <summary>
/// One chained file of the trail: its name, its data columns, and whether rows carry a seal (mac).
/// <paramref name="LegacyDataColumns"/>: the data columns this file had in format 1 (before process
/// certificates), which is still read and, in a state directory that holds it, still appended to.
/// </summary>
public sealed record TrailFile(string Name, IReadOnlyList<string> DataColumns, bool Sealed, IReadOnlyList<string>? LegacyDataColumns = null)
{
    /// <summary>Data columns, then <see cref="ChainColumns.Names"/>, then mac in a sealed file.</summary>
    public IReadOnlyList<string> Columns { get; } = ChainColumns.With(DataColumns, Sealed);

    public string HeaderLine => string.Join('\t', Columns);

    /// <summary>The header of this file in format 1 (data columns, chain columns with chain_prev).</summary>
    public string LegacyHeaderLine => string.Join('\t', ChainColumns.With(LegacyDataColumns ?? DataColumns, Sealed, legacy: true));

    /// <summary>
    /// The data columns format-2 files had before the latest columns were added (direction): such a file is read,
    /// verified and appended to with its own columns (the newer ones left out of its rows). Null: none.
    /// </summary>
    public IReadOnlyList<string>? PreviousDataColumns { get; init; }

    public string? PreviousHeaderLine => PreviousDataColumns is null ? null : string.Join('\t', ChainColumns.With(PreviousDataColumns, Sealed));

    /// <summary>Index of chain_event: empty in a data row, the event (start, stop, ...) in a chain row.</summary>
    public int ChainEventIndex => DataColumns.Count + 1;
}
