using N3ttrace.Inference;

namespace N3ttrace.Core.Tests.Inference;

public class BeaconTests
{
    private static double[] Jittered(Random r, int n, double interval, double jitter) =>
        Enumerable.Range(0, n).Select(_ => interval * (1 - jitter + 2 * jitter * r.NextDouble())).ToArray();

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.25)]
    [InlineData(3600.0)]
    public void A_beacon_with_20_percent_jitter_is_regular_whatever_its_interval(double interval)
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var b = BeaconStatistics.Of(Jittered(new Random(seed), 29, interval, 0.2), 30)!;
            Assert.True(b.Score >= RulesConfig.Default.BeaconScoreThreshold, $"seed {seed}: score {b.Score:0.00}");
            Assert.InRange(b.MedianSeconds, interval * 0.85, interval * 1.15);
        }
    }

    [Fact]
    public void Human_like_exponential_gaps_are_not_a_beacon()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var r = new Random(seed);
            var gaps = Enumerable.Range(0, 29).Select(_ => -Math.Log(1 - r.NextDouble()) * 5).ToArray();
            var b = BeaconStatistics.Of(gaps, 30)!;
            Assert.True(b.Score < RulesConfig.Default.BeaconScoreThreshold, $"seed {seed}: score {b.Score:0.00}");
        }
    }

    [Fact]
    public void Statistics_of_a_metronome_are_perfect()
    {
        var b = BeaconStatistics.Of([2, 2, 2, 2, 2], 6)!;
        Assert.Equal(1, b.Score, 6);
        Assert.Equal(0, b.Jitter, 6);
        Assert.Null(BeaconStatistics.Of([2], 2));
    }

    [Fact]
    public void Tracker_recognises_a_beacon_from_the_configured_count_and_keeps_memory_bounded()
    {
        var t = new BeaconTracker(history: 8, maxPairs: 3);
        BeaconObservation? last = null;
        for (var i = 0; i < 20; i++)
        {
            last = t.Observe("curl|bash|h1", i * 1_000_000_000L);
        }
        Assert.Equal(20, last!.Connections);
        Assert.Equal(1, last.MedianSeconds, 6);
        for (var p = 0; p < 10; p++)
        {
            t.Observe($"pair{p}", 0);
        }
        Assert.Equal(3, t.Pairs); // least recently seen pairs evicted
        Assert.Equal(8, t.Evicted);
        // An evicted pair starts over.
        Assert.Null(t.Observe("curl|bash|h1", 30_000_000_000L));
    }

    [Fact]
    public void Storms_are_bursts_whose_statistics_are_skipped()
    {
        var t = new BeaconTracker(history: 32, maxPairs: 10, burstMeanSeconds: 0.05);
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(t.Observe("storm", i * 1_000_000L)); // 1 ms apart
        }
        Assert.NotNull(Observe3(new BeaconTracker(32, 10, 0.05)));
    }

    private static BeaconObservation? Observe3(BeaconTracker t)
    {
        t.Observe("x", 0);
        t.Observe("x", 1_000_000_000);
        return t.Observe("x", 2_000_000_000); // 1 s apart: statistics computed
    }

    [Fact]
    public void Rule_needs_enough_connections_and_a_minimum_interval()
    {
        var c = RulesConfig.Default;
        Assert.False(Rules_IsBeacon(new BeaconObservation(5, 1, 1, 1, 1), c));
        Assert.True(Rules_IsBeacon(new BeaconObservation(6, 1, 1, 1, 1), c));
        Assert.False(Rules_IsBeacon(new BeaconObservation(50, 0.01, 1, 1, 1), c)); // a burst, not a beacon
        // Regularity 0.72 (skew 0.6, dispersion 0.7, mode 0.8): not a beacon at first, kept once recognised (hysteresis).
        Assert.False(Rules_IsBeacon(new BeaconObservation(20, 1, 0.6, 0.7, 0.8), c));
        Assert.True(Rules_IsBeacon(new BeaconObservation(20, 1, 0.6, 0.7, 0.8, WasBeacon: true), c));
    }

    private static bool Rules_IsBeacon(BeaconObservation b, RulesConfig c) => N3ttrace.Inference.Rules.BeaconRule.IsBeacon(b, c);
}
