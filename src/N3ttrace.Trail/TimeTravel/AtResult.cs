namespace N3ttrace.Trail.TimeTravel;

/// <summary>What `at` found: the connections, and how much of the timeline it had to read to know.</summary>
public sealed record AtResult(DateTime From, DateTime To, IReadOnlyList<AliveConnection> Connections, long RowsRead, bool TracerRunning, string? FirstTs, string? LastTs);
