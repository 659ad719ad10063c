using N3ttrace.Bench.Trail;
using N3ttrace.Pipeline;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// [integrity] A run that resumes a pinned kernel side (it kept capturing while no run read it): the time between the
/// runs is no not-running gap, drops the kernel counted meanwhile are a gap over that window, and births the last run
/// already wrote (read again from the ring) are not written twice.
/// </summary>
public class ResumedCaptureTests
{
    private static PipelineView View(DateTime now, PipelineStats stats, bool final) =>
        new(now, 0, "test", "", [], stats, new N3ttrace.Lifetimes.LifetimeStats(TimeSpan.FromMinutes(10)), final);

    [Fact]
    public void A_window_the_kernel_side_captured_through_is_no_gap_but_its_drops_are()
    {
        using var t = new TrailFixture(events: 1000, stop: false);
        var lastTs = File.ReadAllLines(t.File(StateDirectory.BirthRecordsFile))[^1].Split('\t')[0];
        var restart = t.Workload.Now.AddSeconds(3);
        using (var sink = new TrailSink(t.Dir, t.Options with { UtcNow = () => restart, KernelCapturingSince = t.Workload.Start }))
        {
            sink.OnTick(View(restart, new PipelineStats { SourceDropped = 7 }, final: true));
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        foreach (var file in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            var f = r.Files.Single(x => x.File == file);
            var gap = Assert.Single(f.Gaps);
            Assert.Contains($"gap cause=kernel-drop records=7 from={lastTs}", gap, StringComparison.Ordinal);
            Assert.Contains(f.Recoveries, x => x.Contains("kernel_capture_continued", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_kernel_side_loaded_after_the_last_run_ended_leaves_the_not_running_gap()
    {
        using var t = new TrailFixture(events: 1000, stop: false);
        var restart = t.Workload.Now.AddMinutes(5);
        using (new TrailSink(t.Dir, t.Options with { UtcNow = () => restart, KernelCapturingSince = t.Workload.Now.AddMinutes(1) }))
        {
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.Contains("cause=not-running", Assert.Single(r.Files.Single(f => f.File == StateDirectory.TimelineFile).Gaps), StringComparison.Ordinal);
    }

    [Fact]
    public void Births_read_again_from_the_ring_are_not_written_twice()
    {
        using var t = new TrailFixture(events: 600, stop: false);
        var rowsBefore = DataRows(t);
        // The same births again (the same seed and clock give the same conn_ids), as a resumed ring replays them.
        var replay = new TrailWorkload(t.Workload.Start, seed: 1) { TargetActive = 40 };
        using (var sink = new TrailSink(t.Dir, t.Options with { UtcNow = replay.Clock, KernelCapturingSince = t.Workload.Start.AddSeconds(-1) }))
        {
            replay.Run(sink, 600, TimeSpan.FromMilliseconds(50));
            Assert.True(sink.Replayed > 0);
            Assert.Equal(rowsBefore.Count, (int)sink.Replayed);
        }
        var after = DataRows(t);
        Assert.Equal(rowsBefore.Count, after.Count);
        Assert.Equal(after.Count, after.Distinct().Count());
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
    }

    private static List<string> DataRows(TrailFixture t)
    {
        var lines = File.ReadAllLines(t.File(StateDirectory.BirthRecordsFile));
        var column = Array.IndexOf(lines[0].Split('\t'), "conn_id");
        return lines.Skip(1).Select(l => l.Split('\t')[column]).Where(id => id.Length > 0).ToList();
    }
}
