using N3ttrace.Text;

namespace N3ttrace.Trail;

/// <summary>TSV lines: fields escaped with <see cref="TextEscaper"/>, so a field never holds a tab or newline.</summary>
public static class TsvRow
{
    public static string Format(IEnumerable<string> fields)
    {
        // Runs for every record: escape into a pooled array, one join, no enumerator.
        var values = fields as string[] ?? fields.ToArray();
        var escaped = System.Buffers.ArrayPool<string>.Shared.Rent(values.Length);
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                escaped[i] = TextEscaper.Escape(values[i]);
            }
            return string.Join('\t', new ReadOnlySpan<string>(escaped, 0, values.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<string>.Shared.Return(escaped, clearArray: true);
        }
    }

    public static string[] Split(string line) => line.Split('\t');

    /// <summary>Maps column name to index, from a header line.</summary>
    public static Dictionary<string, int> Header(string headerLine)
    {
        var cols = Split(headerLine);
        var map = new Dictionary<string, int>(cols.Length, StringComparer.Ordinal);
        for (var i = 0; i < cols.Length; i++)
        {
            map[cols[i]] = i;
        }
        return map;
    }
}
