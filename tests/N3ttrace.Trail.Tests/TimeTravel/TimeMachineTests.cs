using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail.TimeTravel;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.TimeTravel;

/// <summary>`at` against a workload whose every lifetime is known, at many instants.</summary>
public class TimeMachineTests
{
    [Fact]
    public void At_reconstructs_exactly_the_connections_alive_at_300_instants()
    {
        using var t = new TrailFixture(events: 20_000, seed: 3, step: TimeSpan.FromMilliseconds(7), keyframeEveryRows: 500);
        var lives = t.Workload.Lives;
        var path = t.File(StateDirectory.TimelineFile);
        var rng = new Random(5);
        var span = (t.Workload.Now - t.Workload.Start).TotalMilliseconds;
        for (var i = 0; i < 300; i++)
        {
            // Half the instants fall exactly on a birth or death (the edges), half anywhere.
            var at = i % 2 == 0
                ? t.Workload.Start.AddMilliseconds(rng.NextDouble() * span)
                : (rng.Next(2) == 0 ? lives[rng.Next(lives.Count)].Birth : lives[rng.Next(lives.Count)].Death ?? t.Workload.Now);
            var expected = lives.Where(l => !l.Failed && l.Birth <= at && !(l.Death <= at)).Select(l => l.ConnId).Order(StringComparer.Ordinal).ToList();
            var r = TimeMachine.At(path, at);
            Assert.Equal(expected, r.Connections.Select(c => c.ConnId).Order(StringComparer.Ordinal).ToList());
            Assert.True(r.RowsRead < 2500, $"replayed {r.RowsRead} rows: keyframes must bound the work");
        }
    }

    [Fact]
    public void Between_lists_everything_alive_at_some_instant_of_the_interval()
    {
        using var t = new TrailFixture(events: 5000, seed: 9, step: TimeSpan.FromMilliseconds(10), keyframeEveryRows: 400);
        var lives = t.Workload.Lives;
        var rng = new Random(11);
        for (var i = 0; i < 50; i++)
        {
            var a = t.Workload.Start.AddMilliseconds(rng.Next(50_000));
            var b = a.AddMilliseconds(rng.Next(3000));
            // [a, b): born before b (at b when the window is the instant a == b), not dead by a.
            var expected = lives.Where(l => !l.Failed && (l.Birth < b || l.Birth == a) && !(l.Death <= a)).Select(l => l.ConnId).Order(StringComparer.Ordinal).ToList();
            var r = TimeMachine.Between(t.File(StateDirectory.TimelineFile), a, b);
            Assert.Equal(expected, r.Connections.Select(c => c.ConnId).Order(StringComparer.Ordinal).ToList());
            foreach (var c in r.Connections)
            {
                var life = lives.Single(l => l.ConnId == c.ConnId);
                Assert.Equal(life.Pid, c.Pid);
                Assert.Equal(life.Port, c.RemotePort);
                Assert.Equal(life.Birth, c.Birth);
            }
        }
    }

    [Fact]
    public void Windows_are_half_open_like_every_reading_command()
    {
        using var t = new TrailFixture(events: 5000, seed: 13, step: TimeSpan.FromMilliseconds(10), keyframeEveryRows: 400);
        var path = t.File(StateDirectory.TimelineFile);
        var lives = t.Workload.Lives.Where(l => !l.Failed && l.Death is not null).ToList();
        var checkedEdges = 0;
        foreach (var life in lives.Skip(100).Take(40))
        {
            // A window that ends at the birth does not hold it; one that starts there does.
            var before = TimeMachine.Between(path, life.Birth.AddSeconds(-2), life.Birth);
            Assert.DoesNotContain(before.Connections, c => c.ConnId == life.ConnId);
            var from = TimeMachine.Between(path, life.Birth, life.Birth.AddSeconds(2));
            Assert.Contains(from.Connections, c => c.ConnId == life.ConnId);
            // A window that starts at the death does not hold it; one that ends there (after the birth) does.
            var death = life.Death!.Value;
            var after = TimeMachine.Between(path, death, death.AddSeconds(2));
            Assert.DoesNotContain(after.Connections, c => c.ConnId == life.ConnId);
            if (death > life.Birth)
            {
                var upTo = TimeMachine.Between(path, life.Birth, death);
                Assert.Contains(upTo.Connections, c => c.ConnId == life.ConnId);
            }
            checkedEdges++;
        }
        Assert.Equal(40, checkedEdges);
    }

    [Fact]
    public void Nothing_is_alive_after_a_stop_or_before_the_first_start()
    {
        using var t = new TrailFixture(events: 2000);
        var path = t.File(StateDirectory.TimelineFile);
        Assert.NotEmpty(TimeMachine.At(path, t.Workload.Now.AddMilliseconds(-100)).Connections);
        Assert.Empty(TimeMachine.At(path, t.Workload.Now.AddMinutes(5)).Connections);
        Assert.Empty(TimeMachine.At(path, t.Workload.Start.AddMinutes(-5)).Connections);
    }
}
