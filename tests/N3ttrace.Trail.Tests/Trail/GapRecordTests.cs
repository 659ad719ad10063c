using N3ttrace.Pipeline;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>[integrity] What the tracer did not see becomes a chained gap record that verify lists (contract 8).</summary>
public class GapRecordTests
{
    private static PipelineView View(DateTime now, PipelineStats stats, bool final = false) =>
        new(now, 0, "test", "", [], stats, new N3ttrace.Lifetimes.LifetimeStats(TimeSpan.FromMinutes(10)), final);

    [Fact]
    public void Kernel_drops_become_gap_records_whose_counts_add_up_to_the_kernels_counter()
    {
        var path = Directory.CreateTempSubdirectory("n3t-gap-").FullName;
        try
        {
            var dir = StateDirectory.Open(Path.Combine(path, "state"), create: true);
            var now = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
            var sink = new TrailSink(dir, new TrailOptions { UtcNow = () => now });
            var key = sink.NewVerifyKey!;
            var stats = new PipelineStats();
            long[] dropped = [0, 0, 513, 513, 1200, 1200, 5000];
            for (var i = 0; i < dropped.Length; i++)
            {
                now += TimeSpan.FromSeconds(1);
                stats.SourceDropped = dropped[i];
                sink.OnTick(View(now, stats, final: i == dropped.Length - 1));
            }
            sink.Dispose();
            Assert.Equal(3, sink.Gaps);

            var r = TrailVerifier.Verify(dir.Path, key);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            var gaps = r.Files.Single(f => f.File == StateDirectory.TimelineFile).Gaps;
            Assert.Equal(3, gaps.Count);
            var total = gaps.Sum(g => long.Parse(g.Split("records=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(5000, total);
            Assert.Contains("gap cause=kernel-drop records=513 from=2026-03-01T12:00:02.000000Z to=2026-03-01T12:00:03.000000Z", gaps[0], StringComparison.Ordinal);
            Assert.Equal(3, r.Files.Single(f => f.File == StateDirectory.BirthRecordsFile).Gaps.Count);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void The_window_between_a_crash_and_the_restart_is_a_gap_record()
    {
        using var t = new TrailFixture(events: 1000, stop: false);
        var lastTs = File.ReadAllLines(t.File(StateDirectory.TimelineFile))[^1].Split('\t')[0];
        var restart = t.Workload.Now.AddMinutes(5);
        using (new TrailSink(t.Dir, t.Options with { UtcNow = () => restart }))
        {
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        var gap = Assert.Single(r.Files.Single(f => f.File == StateDirectory.TimelineFile).Gaps);
        Assert.Contains($"gap cause=not-running records=unknown from={lastTs} to={N3ttrace.Time.Timestamp.ToRecord(restart)}", gap, StringComparison.Ordinal);
    }
}
