namespace N3ttrace.Lifetimes;

/// <summary>
/// Log-spaced lifetime buckets: bucket i ≥ 1 holds [Min·G^(i-1), Min·G^i) seconds, bucket 0 holds
/// everything below Min. Reporting a bucket's geometric middle is off by at most √G − 1 ≈ 0.5%.
/// </summary>
public static class LogBuckets
{
    /// <summary>1 µs: below it a lifetime is reported as 0.5 µs (absolute, not relative, error).</summary>
    public const double Min = 1e-6;
    public const double Growth = 1.01;
    /// <summary>About three years; longer lifetimes land in the last bucket.</summary>
    public const double Max = 1e8;

    public static readonly int Count = 2 + (int)Math.Ceiling(Math.Log(Max / Min) / Math.Log(Growth));

    private static readonly double InvLogGrowth = 1 / Math.Log(Growth);

    public static int Index(double seconds)
    {
        if (!(seconds >= Min))
        {
            return 0; // also NaN and negatives (clock skew)
        }
        var i = 1 + (int)(Math.Log(seconds / Min) * InvLogGrowth);
        return Math.Min(i, Count - 1);
    }

    /// <summary>The value a bucket stands for: its geometric middle.</summary>
    public static double Value(int index) =>
        index == 0 ? Min / 2 : Min * Math.Pow(Growth, index - 0.5);

    /// <summary>Lower bound of a bucket in seconds.</summary>
    public static double Lower(int index) => index == 0 ? 0 : Min * Math.Pow(Growth, index - 1);
}
