using System.Globalization;

namespace N3ttrace.Inference;

/// <summary>One entry of a trail's reasons column, read back: "rule +N: text".</summary>
public sealed record RecordedReason(string Rule, int Points, string Text)
{
    /// <summary>Splits a reasons column ("a +1: x; b +2: y"); entries not in the rule form keep Rule "" and 0 points.</summary>
    public static IReadOnlyList<RecordedReason> ParseAll(string reasons)
    {
        var list = new List<RecordedReason>();
        foreach (var entry in reasons.Split("; ", StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(Parse(entry));
        }
        return list;
    }

    public static RecordedReason Parse(string entry)
    {
        var space = entry.IndexOf(" +", StringComparison.Ordinal);
        var colon = entry.IndexOf(": ", StringComparison.Ordinal);
        if (space > 0 && colon > space && int.TryParse(entry.AsSpan(space + 2, colon - space - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var points))
        {
            return new RecordedReason(entry[..space], points, entry[(colon + 2)..]);
        }
        return new RecordedReason("", 0, entry);
    }
}
