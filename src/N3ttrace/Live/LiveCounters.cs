namespace N3ttrace.Cli.Live;

/// <summary>
/// What this run knows it did not see or has not yet delivered, for the header: gap records written, rows lost on
/// write, (with --forward) records still to send, (with --ship) rows not yet in ClickHouse and how far behind it is,
/// and whether a full disk has paused writing. Read on the pipeline thread at each refresh.
/// </summary>
public sealed record LiveCounters(long Gaps, long LostRows, long? ForwardPending, long? ShipPending = null, double? ShipLagSeconds = null, bool DiskFull = false);
