using N3ttrace.Text;

namespace N3ttrace.Trail;

/// <summary>TSV lines: fields escaped with <see cref="TextEscaper"/>, so a field never holds a tab or newline.</summary>
public static class TsvRow
{
    public static string Format(IEnumerable<string> fields) => string.Join('\t', fields.Select(TextEscaper.Escape));

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
