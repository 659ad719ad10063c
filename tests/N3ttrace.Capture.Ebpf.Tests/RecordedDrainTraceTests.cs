using System.Globalization;

namespace N3ttrace.Capture.Ebpf.Tests;

/// <summary>
/// The drain policy replayed on traces recorded from real runs of the tracer on this kind of machine
/// (N3TTRACE_DRAIN_TRACE, see <see cref="DrainTrace"/>): an idle host, a 40,000-connection loopback storm, and a
/// host kept busy by three CPU hogs while a client connects 20 times a second. DrainTraces/README.md says how
/// each was recorded.
/// </summary>
public class RecordedDrainTraceTests
{
    private sealed record Turn(long Ms, long Bytes, double Fill, bool Busy, bool Drained);

    private sealed class TraceHost : IHostLoad
    {
        public bool Busy { get; set; }
        public bool Sample() => Busy;
    }

    private static List<Turn> Load(string name) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "DrainTraces", name + ".tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .Select(f => new Turn(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), f[3] == "1", f[4] == "1"))
            .ToList();

    /// <summary>Replays the trace (fill scaled as for a ring <paramref name="ringShrink"/> times smaller); the turns that drained.</summary>
    private static List<(Turn Turn, bool Drained)> Replay(List<Turn> trace, out DrainPolicy policy, double ringShrink = 1)
    {
        var host = new TraceHost();
        policy = new DrainPolicy(host, 0, 0);
        long produced = 0;
        var result = new List<(Turn, bool)>(trace.Count);
        foreach (var t in trace)
        {
            produced += t.Bytes;
            host.Busy = t.Busy;
            result.Add((t, policy.ShouldDrain(t.Ms, produced, Math.Min(1, t.Fill * ringShrink))));
        }
        return result;
    }

    private static long LongestWaitMs(List<(Turn Turn, bool Drained)> replay)
    {
        long last = 0, longest = 0;
        foreach (var (t, drained) in replay.Where(r => r.Drained))
        {
            longest = Math.Max(longest, t.Ms - last);
            last = t.Ms;
        }
        return longest;
    }

    [Theory]
    [InlineData("idle")]
    [InlineData("storm")]
    [InlineData("busy")]
    public void The_replay_makes_the_recorded_decisions_and_no_record_waits_more_than_a_second(string name)
    {
        var trace = Load(name);
        Assert.True(trace.Count > 500, $"{name}: {trace.Count} turns");
        var replay = Replay(trace, out _);
        var same = replay.Count(r => r.Drained == r.Turn.Drained);
        Assert.True(same >= trace.Count * 0.99, $"{name}: {same}/{trace.Count} decisions as recorded");
        // Bounded latency: the loop turns every ~10 ms, so a second's deferral shows as at most ~1,030 ms between drains.
        Assert.InRange(LongestWaitMs(replay), 0, DrainPolicy.MaxDeferMs + 30);
    }

    [Fact]
    public void An_idle_host_drains_every_turn()
    {
        var replay = Replay(Load("idle"), out var policy);
        Assert.All(replay, r => Assert.True(r.Drained));
        Assert.Equal(0, policy.Deferred);
    }

    [Fact]
    public void A_busy_host_defers_and_counts_it_but_drains_within_a_second()
    {
        var replay = Replay(Load("busy"), out var policy);
        Assert.True(replay.Count(r => !r.Drained) > replay.Count / 4, "a busy host waits in most turns");
        Assert.True(policy.Deferred > 0);
        Assert.InRange(LongestWaitMs(replay), 0, DrainPolicy.MaxDeferMs + 30);
    }

    [Fact]
    public void The_storm_waits_during_its_burst_yet_a_ring_filling_up_is_drained_at_once()
    {
        var trace = Load("storm");
        var replay = Replay(trace, out _);
        Assert.Contains(replay, r => !r.Drained && r.Turn.Bytes * 1000 / 10 >= DrainPolicy.BurstBytesPerSecond); // the burst waits
        // The same storm on a ring 8 times smaller: every turn at or above the raise threshold drains (no overflow by waiting).
        var small = Replay(trace, out _, ringShrink: 8);
        var risky = small.Where(r => Math.Min(1, r.Turn.Fill * 8) >= BacklogPriority.RaiseAt).ToList();
        Assert.NotEmpty(risky);
        Assert.All(risky, r => Assert.True(r.Drained, $"fill {r.Turn.Fill * 8:0.00} at {r.Turn.Ms} ms waited"));
    }
}
