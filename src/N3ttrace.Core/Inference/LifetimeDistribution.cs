namespace N3ttrace.Inference;

/// <summary>
/// This host's distribution of connection lifetimes since start: a log-scale histogram
/// (10 bins per decade, 1 ms to 10^7 s), so adding and asking a quantile are constant work.
/// </summary>
public sealed class LifetimeDistribution
{
    private const int BinsPerDecade = 10;
    private const double MinSeconds = 1e-3;
    private const int Decades = 10;
    private readonly long[] _bins = new long[BinsPerDecade * Decades + 1];

    public long Count { get; private set; }

    public void Add(double seconds)
    {
        _bins[Bin(seconds)]++;
        Count++;
    }

    /// <summary>The upper edge of the bin holding quantile q (an over-estimate by at most one bin, ~26%).</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _bins.Length; i++)
        {
            seen += _bins[i];
            if (seen >= rank)
            {
                return MinSeconds * Math.Pow(10, (i + 1) / (double)BinsPerDecade);
            }
        }
        return MinSeconds * Math.Pow(10, Decades);
    }

    private static int Bin(double seconds) =>
        seconds <= MinSeconds ? 0 : Math.Min(BinsPerDecade * Decades, (int)(Math.Log10(seconds / MinSeconds) * BinsPerDecade));
}
