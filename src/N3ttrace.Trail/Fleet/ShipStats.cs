namespace N3ttrace.Trail.Fleet;

/// <summary>What a shipper has done: rows delivered (acknowledged by ClickHouse), rows read but not yet delivered at
/// the end of the last pass, seconds between the newest row in the trail and the newest delivered, failures.</summary>
public sealed record ShipStats(long Shipped, long Batches, long Pending, double LagSeconds, long Failures, string? LastError, bool Connected)
{
    public ShipStages Stages { get; init; } = ShipStages.None;
}
