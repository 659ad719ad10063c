namespace N3ttrace.Trail;

/// <summary>
/// One row of a trail TSV file, read by column name (columns may be added by later versions).
/// Values stay in the trail's reversible escaped form: that is what leaves n3ttrace in exports too.
/// </summary>
/// <param name="line">The line as read; null for a row rebuilt by a join or merge (made from the fields when asked for:
/// most readers never ask, and shipping a whole trail should not join every row back into a string).</param>
public sealed class TrailRow(IReadOnlyDictionary<string, int> header, string[] fields, string? line)
{
    public IReadOnlyDictionary<string, int> Header { get; } = header;

    /// <summary>The line exactly as it is in the file, without its newline.</summary>
    public string Line => line ??= string.Join('\t', fields);

    /// <summary>The escaped value, or "" when this file has no such column.</summary>
    public string this[string column] => Get(column) ?? "";

    /// <summary>The escaped value at a header index, or "" past the row's end.</summary>
    public string At(int index) => index < fields.Length ? fields[index] : "";

    public string? Get(string column) => Header.TryGetValue(column, out var i) && i < fields.Length ? fields[i] : null;

    public IEnumerable<(string Name, string Value)> Columns()
    {
        foreach (var (name, i) in Header.OrderBy(kv => kv.Value))
        {
            yield return (name, i < fields.Length ? fields[i] : "");
        }
    }
}
