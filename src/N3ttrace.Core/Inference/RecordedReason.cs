using System.Globalization;

namespace N3ttrace.Inference;

/// <summary>One entry of a trail's reasons column, read back: "rule +N: text [T1059.004]" (the technique is optional).</summary>
public sealed record RecordedReason(string Rule, int Points, string Text, string Technique = "")
{
    /// <summary>The ATT&amp;CK technique ids of a reasons column, in order, each once.</summary>
    public static IReadOnlyList<string> Techniques(string reasons) =>
        [.. ParseAll(reasons).Select(r => r.Technique).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)];

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
            var text = entry[(colon + 2)..];
            var technique = "";
            if (text.EndsWith(']') && text.LastIndexOf(" [T", StringComparison.Ordinal) is var open and >= 0 && IsTechnique(text.AsSpan(open + 2, text.Length - open - 3)))
            {
                technique = text[(open + 2)..^1];
                text = text[..open];
            }
            return new RecordedReason(entry[..space], points, text, technique);
        }
        return new RecordedReason("", 0, entry);
    }

    /// <summary>"T1059" or "T1059.004".</summary>
    public static bool IsTechnique(ReadOnlySpan<char> t)
    {
        if (t.Length is not (5 or 9) || t[0] != 'T')
        {
            return false;
        }
        for (var i = 1; i < t.Length; i++)
        {
            if (!(char.IsAsciiDigit(t[i]) || (i == 5 && t[i] == '.')))
            {
                return false;
            }
        }
        return true;
    }
}
