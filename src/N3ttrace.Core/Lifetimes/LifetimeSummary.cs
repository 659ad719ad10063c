using N3ttrace.Connections;

namespace N3ttrace.Lifetimes;

/// <summary>What the live view shows about lifetimes at one refresh.</summary>
/// <param name="Samples">Ended connections in the window plus active ones.</param>
/// <param name="P90Seconds">p90 over those samples (0 when there are none).</param>
/// <param name="Longest">The longest-lived active connection, if any.</param>
/// <param name="LongestSeconds">Its age now.</param>
/// <param name="Histogram">Counts per <see cref="LifetimeStats.DisplayBins"/> bin.</param>
public sealed record LifetimeSummary(long Samples, long Ended, long Active, double P90Seconds,
    Connection? Longest, double LongestSeconds, IReadOnlyList<long> Histogram);
