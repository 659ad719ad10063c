namespace N3ttrace.Cli.Live;

/// <summary>
/// What this run knows it did not see or has not yet delivered, for the header: gap records written, rows lost on
/// write, and (with --forward) records still to send; whether a full disk has paused writing. Read on the pipeline thread at each refresh.
/// </summary>
public sealed record LiveCounters(long Gaps, long LostRows, long? ForwardPending, bool DiskFull = false);
