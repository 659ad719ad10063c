namespace N3ttrace.Inference;

/// <summary>RITA-style regularity statistics over a bounded set of intervals (constant work: at most the history length).</summary>
public static class BeaconStatistics
{
    /// <summary>Null when fewer than two intervals.</summary>
    public static BeaconObservation? Of(ReadOnlySpan<double> intervals, int connections)
    {
        if (intervals.Length < 2)
        {
            return null;
        }
        Span<double> x = stackalloc double[intervals.Length];
        intervals.CopyTo(x);
        x.Sort();
        var q1 = Quantile(x, 0.25);
        var q2 = Quantile(x, 0.5);
        var q3 = Quantile(x, 0.75);
        // Bowley skew: 0 for symmetric intervals; a regular beacon with jitter stays near 0.
        // As RITA does, a median equal to a quartile (two alternating intervals) counts as unskewed.
        var bowley = q3 - q1 <= 1e-9 || q2 - q1 <= 1e-9 * q2 || q3 - q2 <= 1e-9 * q2 ? 0 : (q3 + q1 - 2 * q2) / (q3 - q1);
        Span<double> dev = stackalloc double[x.Length];
        var near = 0;
        for (var i = 0; i < x.Length; i++)
        {
            dev[i] = Math.Abs(x[i] - q2);
            if (dev[i] <= 0.25 * q2)
            {
                near++;
            }
        }
        dev.Sort();
        var mad = Quantile(dev, 0.5);
        var dispersion = q2 <= 0 ? 0 : Math.Clamp(1 - mad / q2, 0, 1);
        var maxDeviation = q2 <= 0 ? 1 : dev[^1] / q2;
        return new BeaconObservation(connections, q2, 1 - Math.Min(1, Math.Abs(bowley)), dispersion, (double)near / x.Length, MaxDeviation: maxDeviation);
    }

    /// <summary>Linear interpolation between closest ranks of sorted values.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
