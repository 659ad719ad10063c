using N3ttrace.Connections;

namespace N3ttrace.Trail;

/// <summary>
/// Format 3 stores the birth record's enumerated columns (family, birth, remote_scope, level) as one digit each
/// instead of the same words on millions of rows; readers see the words (RowJoin, TimelineMerge). A value outside
/// the known set is stored as it is: no word is one character long, so a stored value is never ambiguous.
/// </summary>
public static class CompactCodes
{
    private static readonly Dictionary<string, string[]> Words = new(StringComparer.Ordinal)
    {
        ["family"] = ["ipv4", "ipv6"],
        ["proto"] = [.. FlowProtocols.Names],
        ["birth"] = ["exact", "polled", "before-start"],
        ["remote_scope"] = ["loopback", "private", "link-local", "public"],
        ["level"] = [.. Verdict.LevelNames],
    };

    /// <summary>The columns stored as codes.</summary>
    public static IReadOnlyCollection<string> Columns => Words.Keys;

    public static string Encode(string column, string value)
    {
        if (Words.TryGetValue(column, out var words))
        {
            var i = Array.IndexOf(words, value);
            if (i >= 0)
            {
                return Digits[i];
            }
        }
        return value;
    }

    public static string Decode(string column, string stored) =>
        stored.Length == 1 && stored[0] is >= '0' and <= '9' && Words.TryGetValue(column, out var words) && stored[0] - '0' < words.Length
            ? words[stored[0] - '0']
            : stored;

    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
}
