namespace N3ttrace.Trail.Fleet;

/// <summary>One fleet table: its columns (name, ClickHouse type) and the sort key that is also its deduplication key.</summary>
public sealed record FleetTable(string Name, IReadOnlyList<(string Name, string Type)> Columns, string OrderBy);
