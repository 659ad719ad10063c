namespace N3ttrace.Trail.Fleet;

/// <summary>Where a shipper's time went, in seconds: reading the trail (files, join, merge), building the JSONEachRow
/// bodies, and inserting them (HTTP round trips, ClickHouse's parse and write).</summary>
public sealed record ShipStages(double ReadSeconds, double BuildSeconds, double InsertSeconds)
{
    public static readonly ShipStages None = new(0, 0, 0);

    public override string ToString() => FormattableString.Invariant($"read {ReadSeconds:0.00} s, build {BuildSeconds:0.00} s, insert {InsertSeconds:0.00} s");
}
