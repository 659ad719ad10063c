using N3ttrace.Cli.Live;
using N3ttrace.Pipeline;
using N3ttrace.Trail;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>[integrity] `at` and `query` answers whose window holds a gap record are marked incomplete (contract 8).</summary>
public class GapWindowTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static PipelineView View(DateTime now, PipelineStats stats, bool final = false) =>
        new(now, 0, "test", "", [], stats, new N3ttrace.Lifetimes.LifetimeStats(TimeSpan.FromMinutes(10)), final);

    /// <summary>A run of 10 minutes, one tick a second: 700 drops in the tick ending at 12:03:00, 50 in the one ending at 12:07:00.</summary>
    private static string Trail(string root)
    {
        var dir = StateDirectory.Open(Path.Combine(root, "state"), create: true);
        var now = T0;
        using var sink = new TrailSink(dir, new TrailOptions { UtcNow = () => now });
        var stats = new PipelineStats();
        for (var s = 1; s <= 600; s++)
        {
            now = T0.AddSeconds(s);
            stats.SourceDropped += s switch { 180 => 700, 420 => 50, _ => 0 };
            sink.OnTick(View(now, stats, final: s == 600));
        }
        return dir.Path;
    }

    [Fact]
    public void At_and_query_windows_holding_a_gap_list_it_and_others_do_not()
    {
        var root = Directory.CreateTempSubdirectory("n3t-gapwin-").FullName;
        try
        {
            var dir = Trail(root);
            var timeline = Path.Combine(dir, StateDirectory.TimelineFile);
            var births = Path.Combine(dir, StateDirectory.BirthRecordsFile);

            var inside = TimeMachine.At(timeline, T0.AddSeconds(179.5));
            var g = Assert.Single(inside.Gaps);
            Assert.Equal(("kernel-drop", 700L, T0.AddSeconds(179), T0.AddSeconds(180)), (g.Cause, g.Records!.Value, g.From, g.To));
            Assert.Empty(TimeMachine.At(timeline, T0.AddSeconds(100)).Gaps);
            Assert.Empty(TimeMachine.At(timeline, T0.AddSeconds(181)).Gaps);
            Assert.Equal([700L, 50L], TimeMachine.Between(timeline, T0.AddMinutes(1), T0.AddMinutes(9)).Gaps.Select(x => x.Records!.Value));
            Assert.Equal(750, GapScan.Overlapping(births, null, null).Sum(x => x.Records!.Value));
            Assert.Equal([50L], GapScan.Overlapping(births, T0.AddMinutes(5), null).Select(x => x.Records!.Value));
            Assert.Empty(GapScan.Overlapping(births, null, T0.AddMinutes(2)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_crash_window_is_a_gap_of_unknown_count_for_an_instant_inside_it()
    {
        using var t = new TrailFixture(events: 1000, stop: false);
        var restart = t.Workload.Now.AddMinutes(5);
        using (new TrailSink(t.Dir, t.Options with { UtcNow = () => restart }))
        {
        }
        var g = Assert.Single(TimeMachine.At(t.File(StateDirectory.TimelineFile), t.Workload.Now.AddMinutes(2)).Gaps);
        Assert.Equal("not-running", g.Cause);
        Assert.Null(g.Records);
        Assert.Empty(TimeMachine.At(t.File(StateDirectory.TimelineFile), t.Workload.Start.AddSeconds(1)).Gaps);
    }

    [Fact]
    public void Gap_text_in_a_data_column_is_no_gap()
    {
        var evt = GapRecord.Parse("gap cause=kernel-drop records=5 from=2026-03-01T12:00:00.000000Z to=2026-03-01T12:00:01.000000Z", T0, null);
        Assert.Equal(5, evt!.Records);
        Assert.Null(GapRecord.Parse("start", T0, null));
        var wf = GapRecord.Parse("write-failure lost_rows=12 error=No space left on device", T0.AddSeconds(3), T0);
        Assert.Equal((12L, T0, T0.AddSeconds(3)), (wf!.Records!.Value, wf.From, wf.To));
    }

    [Fact]
    public void The_live_header_shows_the_runs_gaps_lost_rows_and_pending_forwards()
    {
        var f = N3ttrace.Core.Tests.Live.FrameLayoutTests.Frame() with { Counters = new LiveCounters(4, 0, 17) };
        var line = FrameLayout.Header(f, paused: false).ElementAt(1);
        Assert.Contains("gaps 4", line, StringComparison.Ordinal);
        Assert.Contains("fwd pending 17", line, StringComparison.Ordinal);
        Assert.DoesNotContain("LOST ROWS", line, StringComparison.Ordinal);
        var lost = FrameLayout.Header(f with { Counters = new LiveCounters(1, 9, null) }, paused: false).ElementAt(1);
        Assert.Contains("LOST ROWS 9", lost, StringComparison.Ordinal);
        Assert.DoesNotContain("pending", lost, StringComparison.Ordinal);
    }
}
