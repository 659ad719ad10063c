using N3ttrace.Connections;

namespace N3ttrace.Trail;

/// <summary>What `query` selects. Text filters match the stored (escaped) text exactly, or as a glob with '*'.</summary>
public sealed record QueryFilter
{
    /// <summary>Born at or after (inclusive).</summary>
    public DateTime? Since { get; init; }
    /// <summary>Born before (exclusive): [Since, Until), as every reading command.</summary>
    public DateTime? Until { get; init; }
    public int? Pid { get; init; }
    /// <summary>Remote port.</summary>
    public int? Port { get; init; }
    public string? ConnId { get; init; }
    public string? Cmdline { get; init; }
    public long? Uid { get; init; }
    public string? Comm { get; init; }
    public string? Exe { get; init; }
    public string? Ancestry { get; init; }
    public string? RemoteHash { get; init; }
    public string? Purpose { get; init; }
    /// <summary>NORMAL, ANOMALY or THREAT: the latest verdict at this level or above, as `tail --level` and the live view.</summary>
    public string? Level { get; init; }
    /// <summary>outbound, inbound or listen (rows of a trail older than the column are outbound).</summary>
    public N3ttrace.Connections.FlowDirection? Direction { get; init; }

    /// <summary>True when <paramref name="level"/> is <paramref name="minimum"/> or higher (no minimum: always).</summary>
    public static bool AtOrAbove(string level, string? minimum) =>
        minimum is null || Rank(level) >= Rank(minimum);

    private static int Rank(string level)
    {
        for (var i = 0; i < Verdict.LevelNames.Count; i++)
        {
            if (string.Equals(Verdict.LevelNames[i], level, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    public static bool Matches(string? pattern, string value)
    {
        if (pattern is null)
        {
            return true;
        }
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }
        var parts = pattern.Split('*');
        if (!value.StartsWith(parts[0], StringComparison.Ordinal) || !value.EndsWith(parts[^1], StringComparison.Ordinal)
            || value.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }
        var at = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var j = value.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (j < 0)
            {
                return false;
            }
            at = j + parts[i].Length;
        }
        return at <= value.Length - parts[^1].Length;
    }
}
