namespace N3ttrace.Trail.TimeTravel;

/// <summary>What `at` found: the connections, and how much of the timeline it had to read to know.</summary>
public sealed record AtResult(DateTime From, DateTime To, IReadOnlyList<AliveConnection> Connections, long RowsRead, bool TracerRunning, string? FirstTs, string? LastTs)
{
    /// <summary>Gap records whose window overlaps [From, To]: the answer is incomplete when there is any.</summary>
    public IReadOnlyList<GapRecord> Gaps { get; init; } = [];
}
