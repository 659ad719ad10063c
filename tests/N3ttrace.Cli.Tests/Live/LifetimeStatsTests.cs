using N3ttrace.Lifetimes;

namespace N3ttrace.Core.Tests.Live;

public class LifetimeStatsTests
{
    private const long S = 1_000_000_000;

    private static double Exact(List<double> values, double q)
    {
        values.Sort();
        return values[(int)Math.Ceiling(q * values.Count) - 1];
    }

    private static double LogUniform(Random r, double lo, double hi) => lo * Math.Pow(hi / lo, r.NextDouble());

    [Fact]
    public void Bucket_value_is_within_half_a_percent_of_any_value_in_it()
    {
        var r = new Random(1);
        for (var i = 0; i < 100_000; i++)
        {
            var v = LogUniform(r, LogBuckets.Min, LogBuckets.Max / 2);
            var back = LogBuckets.Value(LogBuckets.Index(v));
            Assert.InRange(Math.Abs(back - v) / v, 0, 0.005);
        }
    }

    [Theory]
    [InlineData(1, 0.9)]
    [InlineData(2, 0.5)]
    [InlineData(3, 0.99)]
    [InlineData(4, 0.9)]
    public void Ended_window_quantile_matches_exact_within_one_percent(int seed, double q)
    {
        var r = new Random(seed);
        var w = new EndedWindow(TimeSpan.FromDays(2));
        var all = new List<double>();
        var n = r.Next(1, 20_000);
        for (var i = 0; i < n; i++)
        {
            var life = LogUniform(r, 1e-3, 86_400);
            all.Add(life);
            w.Add(1000 * S + i * 1_000_000L, life);
        }
        Assert.Equal(n, w.Count);
        var got = LifetimeStats.Quantile(w.Buckets, w.Count, q);
        var exact = Exact(all, q);
        Assert.InRange(Math.Abs(got - exact) / exact, 0, 0.01);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void P90_over_ended_and_active_ages_matches_exact_within_one_percent(int seed)
    {
        // A simulated host: births over two hours with log-uniform lifetimes, ticks every 250 ms,
        // summaries compared against an exact sort at random moments.
        var r = new Random(seed);
        var stats = new LifetimeStats(TimeSpan.FromDays(1));
        var start = 50_000 * S;
        var births = new List<(long Birth, long End)>();
        for (var i = 0; i < 20_000; i++)
        {
            var b = start + (long)(r.NextDouble() * 7200 * S);
            births.Add((b, b + (long)(LogUniform(r, 2e-3, 20_000) * S)));
        }
        births.Sort();
        var ends = new PriorityQueue<N3ttrace.Connections.Connection, long>();
        var ended = new List<double>();
        var next = 0;
        var checks = 0;
        for (var now = start; now <= start + 7200 * S; now += S / 4)
        {
            while (next < births.Count && births[next].Birth <= now)
            {
                var c = Connections.Make(births[next].Birth, pid: next);
                stats.OnStarted(c);
                ends.Enqueue(c, births[next].End);
                next++;
            }
            while (ends.TryPeek(out var c, out var end) && end <= now)
            {
                ends.Dequeue();
                stats.OnEnded(Connections.End(c, end));
                ended.Add(c.AgeSeconds(end));
            }
            stats.Expire(now);
            if (r.NextDouble() < 0.01 && next > 10)
            {
                var sample = new List<double>(ended);
                sample.AddRange(ends.UnorderedItems.Select(e => (now - e.Element.BirthBootNs) / 1e9));
                var got = stats.Summarize(now);
                Assert.Equal(sample.Count, got.Samples);
                var exact = Exact(sample, 0.9);
                Assert.InRange(Math.Abs(got.P90Seconds - exact) / exact, 0, 0.01);
                var oldest = ends.UnorderedItems.Min(e => e.Element.BirthBootNs);
                Assert.Equal(oldest, got.Longest!.BirthBootNs);
                Assert.Equal((now - oldest) / 1e9, got.LongestSeconds, 9);
                checks++;
            }
        }
        Assert.True(checks > 100, $"only {checks} checks");
    }

    [Fact]
    public void Ended_lifetimes_leave_the_window()
    {
        var stats = new LifetimeStats(TimeSpan.FromMinutes(10));
        var t0 = 10_000 * S;
        var c = Connections.Make(t0 - 100 * S);
        stats.OnStarted(c);
        stats.OnEnded(Connections.End(c, t0));
        stats.Expire(t0 + 9 * 60 * S);
        var s = stats.Summarize(t0 + 9 * 60 * S);
        Assert.Equal(1, s.Ended);
        Assert.InRange(s.P90Seconds, 99, 101);
        stats.Expire(t0 + 11 * 60 * S);
        s = stats.Summarize(t0 + 11 * 60 * S);
        Assert.Equal(0, s.Samples);
        Assert.Equal(0, s.P90Seconds);
        Assert.Null(s.Longest);
    }

    [Fact]
    public void Longest_follows_removals_and_the_heap_stays_small()
    {
        var stats = new LifetimeStats(TimeSpan.FromMinutes(10));
        var first = Connections.Make(1 * S, pid: 1);
        var second = Connections.Make(2 * S, pid: 2);
        stats.OnStarted(first);
        stats.OnStarted(second);
        // Churn: 100k short connections younger than both.
        for (var i = 0; i < 100_000; i++)
        {
            var c = Connections.Make(3 * S + i, pid: 100 + i);
            stats.OnStarted(c);
            stats.OnEnded(Connections.End(c, 3 * S + i + 1000));
        }
        Assert.Same(first, stats.Summarize(4 * S).Longest);
        stats.OnEnded(Connections.End(first, 4 * S));
        var s = stats.Summarize(5 * S);
        Assert.Same(second, s.Longest);
        Assert.Equal(3.0, s.LongestSeconds, 9);
        Assert.Equal(1, s.Active);
        // Ending a connection twice, or one never started, changes nothing.
        stats.OnEnded(Connections.End(first, 4 * S));
        Assert.Equal(1, stats.Summarize(5 * S).Active);
    }

    [Fact]
    public void Histogram_bins_count_every_sample_on_a_log_scale()
    {
        var stats = new LifetimeStats(TimeSpan.FromMinutes(10));
        var now = 100_000 * S;
        double[] lives = [0.0005, 0.005, 0.05, 0.5, 5, 30, 300];
        foreach (var (life, i) in lives.Select((l, i) => (l, i)))
        {
            var c = Connections.Make(now - S - (long)(life * S), pid: i);
            stats.OnStarted(c);
            stats.OnEnded(Connections.End(c, now - S));
        }
        var active = Connections.Make(now - 7200 * S, pid: 99);
        stats.OnStarted(active);
        stats.Expire(now);
        var s = stats.Summarize(now);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0, 1, 0], s.Histogram);
        Assert.Same(active, s.Longest);
    }

    [Fact]
    public void Birth_buckets_stay_consistent_with_late_births_and_promotions()
    {
        // Births arrive out of order (a connect() whose handshake took seconds, sockets found at start),
        // promotions happen in between; every removal must find its bucket and the total must match.
        var r = new Random(21);
        var ages = new ActiveAges();
        var live = new List<long>();
        var now = 100_000 * S;
        for (var step = 0; step < 20_000; step++)
        {
            now += S / 100;
            if (live.Count == 0 || r.NextDouble() < 0.6)
            {
                var b = now - (long)(LogUniform(r, 1e-5, 5000) * S);
                ages.Add(b);
                live.Add(b);
            }
            else
            {
                var i = r.Next(live.Count);
                ages.Remove(live[i]);
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            if (step % 25 == 0)
            {
                ages.Promote(now);
            }
        }
        Assert.Equal(live.Count, ages.Count);
        var buckets = new long[LogBuckets.Count];
        ages.AddAges(now, buckets);
        Assert.Equal(live.Count, buckets.Sum());
        var exact = Exact(live.Select(b => (now - b) / 1e9).ToList(), 0.9);
        Assert.InRange(Math.Abs(LifetimeStats.Quantile(buckets, live.Count, 0.9) - exact) / exact, 0, 0.01);
        foreach (var b in live)
        {
            ages.Remove(b);
        }
        Assert.Equal(0, ages.Count);
        Assert.Equal(0, ages.BucketCount);
    }
}
