using System.Globalization;
using N3ttrace.Time;

namespace N3ttrace.Trail;

/// <summary>
/// One gap record of the trail (contract 8): what the tracer knows it did not see, its cause, count (null: unknown,
/// as for the time no run was reading) and window. A write-failure carries no window of its own: it covers the time
/// from the row before it to itself, and its count is the rows lost by that writer since its run began.
/// </summary>
public sealed record GapRecord(string Cause, long? Records, DateTime From, DateTime To)
{
    public bool Overlaps(DateTime? from, DateTime? to) => (from is null || To >= from) && (to is null || From <= to);

    /// <summary>"cause=kernel-drop records=12 from=... to=..." as one line for people.</summary>
    public override string ToString() => Cause == Segments.PrunedWindow.Cause
        ? $"pruned: retention removed the trail before {Timestamp.ToRecord(To)} ('n3ttrace verify' lists the prune anchors)"
        : string.Create(CultureInfo.InvariantCulture,
        $"{Cause}: {(Records is { } n ? n.ToString(CultureInfo.InvariantCulture) : "unknown")} record(s) from {Timestamp.ToRecord(From)} to {Timestamp.ToRecord(To)}");

    /// <summary>
    /// Parses a chain event; null when it is no gap. <paramref name="rowTs"/> is the row's own time,
    /// <paramref name="previousTs"/> the row before it (the window of a write-failure).
    /// </summary>
    public static GapRecord? Parse(string chainEvent, DateTime rowTs, DateTime? previousTs)
    {
        var parts = chainEvent.Split(' ');
        if (parts[0] == ChainColumns.WriteFailure)
        {
            // Since this release the record carries its own window and count (records, from); older ones count the
            // writer's losses since its run began and cover the time since the row before.
            var lost = Field(parts, "records") ?? Field(parts, "lost_rows");
            var since = TryTs(Field(parts, "from"), out var sf) && sf <= rowTs ? sf : previousTs is { } p && p <= rowTs ? p : rowTs;
            var cause = Field(parts, "cause") == "disk-full" ? "disk-full" : ChainColumns.WriteFailure;
            return new GapRecord(cause, long.TryParse(lost, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null, since, rowTs);
        }
        if (parts[0] != ChainColumns.Gap)
        {
            return null;
        }
        var count = long.TryParse(Field(parts, "records"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : (long?)null;
        var from = TryTs(Field(parts, "from"), out var f) ? f : rowTs;
        var to = TryTs(Field(parts, "to"), out var t) ? t : rowTs;
        return new GapRecord(Field(parts, "cause") ?? "unknown", count, from <= to ? from : to, from <= to ? to : from);
    }

    private static string? Field(string[] parts, string name)
    {
        foreach (var p in parts)
        {
            if (p.Length > name.Length && p[name.Length] == '=' && p.StartsWith(name, StringComparison.Ordinal))
            {
                return p[(name.Length + 1)..];
            }
        }
        return null;
    }

    internal static bool TryTs(string? s, out DateTime ts) =>
        DateTime.TryParseExact(s, Timestamp.Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out ts);
}
