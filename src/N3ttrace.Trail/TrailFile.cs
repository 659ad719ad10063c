namespace N3ttrace.Trail;

/// <summary>One chained file of the trail: its name, its data columns, and whether rows carry a seal (mac).</summary>
public sealed record TrailFile(string Name, IReadOnlyList<string> DataColumns, bool Sealed)
{
    /// <summary>Data columns, then <see cref="ChainColumns.Names"/>, then mac in a sealed file.</summary>
    public IReadOnlyList<string> Columns { get; } = ChainColumns.With(DataColumns, Sealed);

    public string HeaderLine => string.Join('\t', Columns);

    /// <summary>Index of chain_event: empty in a data row, the event (start, stop, ...) in a chain row.</summary>
    public int ChainEventIndex => DataColumns.Count + 1;
}
