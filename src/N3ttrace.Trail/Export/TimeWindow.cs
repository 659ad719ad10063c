using N3ttrace.Time;

namespace N3ttrace.Trail.Export;

/// <summary>[Since, Until) in UTC. Record timestamps are fixed-width ISO-8601, so they compare as strings.</summary>
public sealed record TimeWindow(DateTime Since, DateTime Until)
{
    public string SinceRecord { get; } = Timestamp.ToRecord(Since);
    public string UntilRecord { get; } = Timestamp.ToRecord(Until);

    public bool Contains(string recordTs) =>
        recordTs.Length == SinceRecord.Length
        && string.CompareOrdinal(recordTs, SinceRecord) >= 0
        && string.CompareOrdinal(recordTs, UntilRecord) < 0;
}
