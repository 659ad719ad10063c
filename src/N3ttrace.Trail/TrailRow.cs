namespace N3ttrace.Trail;

/// <summary>
/// One row of a trail TSV file, read by column name (columns may be added by later versions).
/// Values stay in the trail's reversible escaped form: that is what leaves n3ttrace in exports too.
/// </summary>
public sealed class TrailRow(IReadOnlyDictionary<string, int> header, string[] fields, string line)
{
    public IReadOnlyDictionary<string, int> Header { get; } = header;

    /// <summary>The line exactly as it is in the file, without its newline.</summary>
    public string Line { get; } = line;

    /// <summary>The escaped value, or "" when this file has no such column.</summary>
    public string this[string column] => Get(column) ?? "";

    public string? Get(string column) => Header.TryGetValue(column, out var i) && i < fields.Length ? fields[i] : null;

    public IEnumerable<(string Name, string Value)> Columns()
    {
        foreach (var (name, i) in Header.OrderBy(kv => kv.Value))
        {
            yield return (name, i < fields.Length ? fields[i] : "");
        }
    }
}
