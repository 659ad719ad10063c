namespace N3ttrace.Inference;

/// <summary>
/// How regular one pair's connection times are. Each score is 1 for a perfect metronome:
/// Skew = 1 - |Bowley skewness| of the intervals, Dispersion = 1 - MAD/median,
/// Mode = share of intervals within 25% of the median (an interval histogram's main bin).
/// </summary>
public sealed record BeaconObservation(int Connections, double MedianSeconds, double Skew, double Dispersion, double Mode)
{
    public double Score => (Skew + Dispersion + Mode) / 3;

    /// <summary>Relative jitter: median absolute deviation over the median interval.</summary>
    public double Jitter => 1 - Dispersion;
}
