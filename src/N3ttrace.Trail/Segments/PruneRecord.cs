using System.Globalization;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// The prune anchor as it stands in a chained file (a chain event, sealed like any row): which segments were pruned, the
/// chain_seq and time span of their rows, the connections (birth records) among them, the chain head of their last row
/// (the row the remaining ones chain onto) and why. Its twin in checkpoints.tsv (kind prune, rows = last_seq,
/// head = last_hash, sealed with the epoch key) is what lets `verify` start the chain after the pruned rows.
/// </summary>
public sealed record PruneRecord(string FirstSegment, string LastSegment, int Segments, long FirstSeq, long LastSeq, string From, string To,
    long Connections, string LastHash, string Reason)
{
    public const string Event = "prune";

    public string ToEvent() => string.Create(CultureInfo.InvariantCulture,
        $"{Event} segments={FirstSegment}..{LastSegment} count={Segments} seq={FirstSeq}..{LastSeq} from={From} to={To} connections={Connections} last_hash={LastHash} reason={Reason}");

    /// <summary>"pruned 3 segment(s) (seq 1..4711, time A..B, 812 connections, reason size)" for people; the row's ts says when.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"pruned {Segments} segment(s) {FirstSegment}..{LastSegment} (seq {FirstSeq}..{LastSeq}, time {From}..{To}, {Connections} connection(s), reason {Reason})");

    /// <summary>Parses a chain event; null when it is no prune anchor or a field is missing.</summary>
    public static PruneRecord? Parse(string chainEvent)
    {
        var parts = chainEvent.Split(' ');
        if (parts[0] != Event)
        {
            return null;
        }
        var f = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=');
            if (eq > 0)
            {
                f[p[..eq]] = p[(eq + 1)..];
            }
        }
        if (!f.TryGetValue("segments", out var segs) || Span(segs) is not { } s
            || !f.TryGetValue("seq", out var seq) || Span(seq) is not { } q
            || !long.TryParse(q.From, NumberStyles.None, CultureInfo.InvariantCulture, out var firstSeq)
            || !long.TryParse(q.To, NumberStyles.None, CultureInfo.InvariantCulture, out var lastSeq)
            || !int.TryParse(f.GetValueOrDefault("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !long.TryParse(f.GetValueOrDefault("connections"), NumberStyles.None, CultureInfo.InvariantCulture, out var connections)
            || f.GetValueOrDefault("last_hash") is not { Length: ChainHash.HexLength } hash)
        {
            return null;
        }
        return new PruneRecord(s.From, s.To, count, firstSeq, lastSeq, f.GetValueOrDefault("from") ?? "", f.GetValueOrDefault("to") ?? "", connections, hash,
            f.GetValueOrDefault("reason") ?? "");
    }

    private static (string From, string To)? Span(string text)
    {
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        return dots <= 0 ? null : (text[..dots], text[(dots + 2)..]);
    }
}
