using System.Diagnostics;
using N3ttrace.Bench.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// A full disk on a real (tmpfs) filesystem the test mounts and always unmounts: writing pauses with a warning and a
/// counter, the rows lost come back as a gap record with its window once room returns, and verify passes; with
/// retention on, the oldest sealed segments are pruned instead and writing goes on.
/// </summary>
public class FullDiskTests
{
    private sealed class SmallDisk : IDisposable
    {
        public string Mount { get; } = Directory.CreateTempSubdirectory("n3t-full-").FullName;
        public string Filler => Path.Combine(Mount, "filler");

        public SmallDisk()
        {
            Assert.Equal(0, Sh($"mount -t tmpfs -o size=4m,mode=0700 tmpfs {Mount}"));
        }

        public void Fill() => Sh($"dd if=/dev/zero of={Filler} bs=4k 2>/dev/null");

        public void Dispose()
        {
            Sh($"umount {Mount}");
            Directory.Delete(Mount);
        }
    }

    private static int Sh(string cmd)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", cmd]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [Fact]
    public void Without_retention_a_full_disk_pauses_writing_loudly_and_the_loss_is_a_gap_record_once_room_returns()
    {
        using var disk = new SmallDisk();
        var dir = StateDirectory.Open(Path.Combine(disk.Mount, "state"), create: true);
        var w = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 7) { TargetActive = 20 };
        var warnings = new List<string>();
        var sink = new TrailSink(dir, new TrailOptions { UtcNow = w.Clock, EpochLength = TimeSpan.FromSeconds(60), SegmentBytes = 64_000 });
        sink.Warn = warnings.Add;
        w.Run(sink, 500, TimeSpan.FromMilliseconds(20));
        disk.Fill();
        var filledAt = w.Now;
        for (var i = 0; i < 100 && !sink.DiskFull; i++)
        {
            w.Run(sink, 200, TimeSpan.FromMilliseconds(20));
            sink.Flush();
        }
        w.Run(sink, 10, TimeSpan.FromMilliseconds(20)); // a tick sees the full disk
        Assert.True(sink.DiskFull);
        Assert.Equal(1, sink.DiskFullPauses);
        Assert.True(sink.LostRows > 0);
        Assert.Contains(warnings, m => m.StartsWith("DISK FULL", StringComparison.Ordinal) && m.Contains("PAUSED", StringComparison.Ordinal));
        foreach (var f in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            Assert.Equal((byte)'\n', File.ReadAllBytes(dir.FilePath(f))[^1]); // never half a record
        }
        File.Delete(disk.Filler);
        w.Run(sink, 300, TimeSpan.FromMilliseconds(20));
        Assert.False(sink.DiskFull);
        Assert.Contains(warnings, m => m.StartsWith("disk space returned", StringComparison.Ordinal));
        var lost = sink.LostRows;
        sink.Dispose();
        var r = TrailVerifier.Verify(dir.Path, null);
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        // The gap records (a disk at its edge can take a write between two failures: one record per stretch of failures):
        // each window begins at a failed write after the disk filled, and their counts add up to rows the run lost.
        var gaps = GapScan.Overlapping(dir.FilePath(StateDirectory.TimelineFile), null, null).Where(g => g.Cause == "disk-full").ToList();
        Assert.NotEmpty(gaps);
        Assert.All(gaps, g => Assert.True(g.Records > 0 && g.From >= filledAt && g.To >= g.From, $"{g}"));
        var births = GapScan.Overlapping(dir.FilePath(StateDirectory.BirthRecordsFile), null, null).Where(g => g.Cause == "disk-full").Sum(g => g.Records!.Value);
        Assert.InRange(births + gaps.Sum(g => g.Records!.Value), 1, lost);
    }

    [Fact]
    public void With_retention_a_full_disk_prunes_the_oldest_sealed_segments_and_writing_goes_on()
    {
        using var disk = new SmallDisk();
        var dir = StateDirectory.Open(Path.Combine(disk.Mount, "state"), create: true);
        var w = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 7) { TargetActive = 20, Processes = 5 };
        var notices = new List<string>();
        // A cap far above the disk: only the full disk prunes.
        var sink = new TrailSink(dir, new TrailOptions { UtcNow = w.Clock, EpochLength = TimeSpan.FromSeconds(60), SegmentBytes = 32_000, MaxDiskBytes = 1L << 40 });
        var key = sink.NewVerifyKey!;
        sink.Inform = notices.Add;
        w.Run(sink, 6000, TimeSpan.FromMilliseconds(20));
        Assert.True(TrailSegments.List(dir.Path, StateDirectory.BirthRecordsFile).Count >= 4);
        disk.Fill();
        for (var i = 0; i < 60 && sink.Prunes == 0; i++)
        {
            w.Run(sink, 200, TimeSpan.FromMilliseconds(20));
            sink.Flush();
            Thread.Sleep(20); // the plan is made off the pipeline thread
        }
        Assert.True(sink.Prunes > 0, $"no prune: {sink.LastPruneError}; disk full {sink.DiskFull}, lost {sink.LostRows}");
        Assert.Contains(notices, n => n.Contains("reason disk-full", StringComparison.Ordinal));
        w.Run(sink, 50, TimeSpan.FromMilliseconds(20));
        sink.Dispose();
        File.Delete(disk.Filler);
        foreach (var k in new[] { key, null })
        {
            var r = TrailVerifier.Verify(dir.Path, k);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            Assert.True(r.Files.Single(f => f.File == StateDirectory.BirthRecordsFile).PrunedThrough > 0);
        }
    }
}
