namespace N3ttrace.Capture.Ebpf.Tests;

/// <summary>
/// The drain policy driven by traces of the drain loop's inputs, one row per 10 ms turn:
/// bytes the kernel produced in the turn, the ring's fill after it, whether the host was busy.
/// </summary>
public class DrainPolicyTests
{
    private sealed class TraceHost : IHostLoad
    {
        public bool Busy { get; set; }
        public int Samples { get; private set; }

        public bool Sample()
        {
            Samples++;
            return Busy;
        }
    }

    private readonly record struct Turn(long Bytes, double Fill, bool Busy);

    /// <summary>Plays the trace; returns the times (ms) of the turns that drained.</summary>
    private static List<long> Play(IEnumerable<Turn> trace, out DrainPolicy policy, out TraceHost host)
    {
        host = new TraceHost();
        policy = new DrainPolicy(host, 0, 0);
        var drained = new List<long>();
        long now = 0, produced = 0;
        foreach (var t in trace)
        {
            now += (long)DrainPolicy.Interval.TotalMilliseconds;
            produced += t.Bytes;
            host.Busy = t.Busy;
            if (policy.ShouldDrain(now, produced, t.Fill))
            {
                drained.Add(now);
            }
        }
        return drained;
    }

    private static IEnumerable<Turn> Repeat(int turns, long bytes, double fill = 0.01, bool busy = false) =>
        Enumerable.Repeat(new Turn(bytes, fill, busy), turns);

    // 6 MiB/s is 62,915 bytes per 10 ms turn.
    private const long Trickle = 2_000;
    private const long Storm = 200_000;

    [Fact]
    public void An_idle_host_with_a_trickle_drains_every_turn()
    {
        var drained = Play(Repeat(100, Trickle), out var policy, out _);
        Assert.Equal(100, drained.Count);
        Assert.Equal(0, policy.Deferred);
    }

    [Fact]
    public void A_burst_waits_until_it_ends_and_is_drained_in_the_first_quiet_turn()
    {
        var trace = Repeat(5, Trickle).Concat(Repeat(300, Storm, fill: 0.2)).Concat(Repeat(5, Trickle, fill: 0.2));
        var drained = Play(trace, out var policy, out var host);
        // Drained before the storm, not once in its 3 s (a burst has no one-second cap), then at once after it.
        Assert.Equal([10, 20, 30, 40, 50, 3060, 3070, 3080, 3090, 3100], drained);
        Assert.Equal(0, policy.Deferred);
        Assert.Equal(9, host.Samples); // not measured while a burst decides, nor when the one-second cap does
    }

    [Fact]
    public void A_ring_filling_up_is_drained_even_during_a_burst()
    {
        var trace = Repeat(50, Storm, fill: 0.1).Concat(Repeat(1, Storm, fill: BacklogPriority.RaiseAt)).Concat(Repeat(50, Storm, fill: 0.1));
        var drained = Play(trace, out _, out _);
        Assert.Equal([510], drained);
    }

    [Fact]
    public void A_busy_host_defers_the_drain_a_second_at_most_and_counts_it()
    {
        var trace = Repeat(350, Trickle, busy: true).Concat(Repeat(3, Trickle));
        var drained = Play(trace, out var policy, out _);
        Assert.Equal([1000, 2000, 3000, 3510, 3520, 3530], drained);
        Assert.Equal(3, policy.Deferred);
    }

    [Fact]
    public void A_host_that_turns_busy_after_a_drain_waits_from_that_drain()
    {
        var trace = Repeat(20, Trickle).Concat(Repeat(150, Trickle, busy: true));
        var drained = Play(trace, out var policy, out _);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 10L).Append(1200), drained);
        Assert.Equal(1, policy.Deferred);
    }
}
