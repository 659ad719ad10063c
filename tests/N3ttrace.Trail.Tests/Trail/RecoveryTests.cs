using System.Diagnostics;
using System.Text;
using N3ttrace.Bench.Trail;
using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

public class RecoveryTests
{
    [Fact]
    public void A_torn_last_line_is_kept_aside_recorded_in_the_chain_and_verify_passes()
    {
        using var t = new TrailFixture(events: 800, stop: false);
        var births = t.File(StateDirectory.BirthRecordsFile);
        var torn = Encoding.UTF8.GetBytes("2026-03-01T12:00:41.000000Z\tdeadbeef\texact\t0\ttcp\tipv4\t127.0.0.1:4");
        using (var f = new FileStream(births, FileMode.Append))
        {
            f.Write(torn);
        }
        Assert.False(t.Verify().Intact); // the crashed trail shows its cut line until a start recovers it
        using (var again = new TrailSink(t.Dir, t.Options))
        {
            Assert.Contains(again.Recoveries, r => r.StartsWith($"{StateDirectory.BirthRecordsFile}: recovery torn_bytes={torn.Length}", StringComparison.Ordinal));
            Assert.Contains(again.Recoveries, r => r.StartsWith($"{StateDirectory.TimelineFile}: recovery unclean_stop", StringComparison.Ordinal));
            t.Workload.Run(again, 300, TimeSpan.FromMilliseconds(50));
        }
        var kept = File.ReadAllBytes(t.File(StateDirectory.BirthRecordsFile + ".torn"));
        Assert.True(kept.AsSpan().IndexOf(torn) > 0);
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.Single(r.Files.Single(f => f.File == StateDirectory.BirthRecordsFile).Recoveries);
    }

    [Fact]
    public void Rows_a_crash_left_unsealed_are_sealed_at_the_next_start_with_the_old_epoch_key()
    {
        using var t = new TrailFixture(events: 3000, stop: false);
        var before = t.Verify();
        Assert.True(before.Intact, string.Join("\n", before.Damages));
        var timeline = before.Files.Single(f => f.File == StateDirectory.TimelineFile);
        Assert.True(timeline.SealedRows < timeline.Rows, "the crash left an unsealed tail");
        using (new TrailSink(t.Dir, t.Options with { UtcNow = () => t.Workload.Now.AddMinutes(30) }))
        {
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.All(r.Files.Where(f => f.File != CheckpointColumns.FileName), f => Assert.Equal(f.Rows, f.SealedRows));
    }

    [Fact]
    public void A_full_disk_never_leaves_half_a_record_and_the_chain_says_what_was_lost()
    {
        var mnt = Directory.CreateTempSubdirectory("n3t-enospc-").FullName;
        Assert.Equal(0, Sh($"mount -t tmpfs -o size=256k,mode=0700 tmpfs {mnt}"));
        try
        {
            var dir = StateDirectory.Open(Path.Combine(mnt, "state"), create: true);
            var w = new TrailWorkload(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 7) { TargetActive = 20 };
            var opts = new TrailOptions { UtcNow = w.Clock, EpochLength = TimeSpan.FromSeconds(60) };
            var sink = new TrailSink(dir, opts);
            // Fill the disk, then free room again (as an operator would).
            var filler = Path.Combine(mnt, "filler");
            Sh($"dd if=/dev/zero of={filler} bs=4k 2>/dev/null");
            for (var i = 0; i < 100 && sink.WriteFailures == 0; i++)
            {
                w.Run(sink, 200, TimeSpan.FromMilliseconds(20));
                sink.Flush(); // the writer threads are done with what they were given
            }
            Assert.True(sink.WriteFailures > 0);
            Assert.True(sink.LostRows > 0);
            foreach (var f in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
            {
                var b = File.ReadAllBytes(dir.FilePath(f));
                Assert.Equal((byte)'\n', b[^1]);
            }
            File.Delete(filler);
            w.Run(sink, 200, TimeSpan.FromMilliseconds(20));
            sink.Dispose();
            var r = TrailVerifier.Verify(dir.Path, null);
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            Assert.Contains(r.Files.SelectMany(f => f.Recoveries), x => x.Contains("write-failure lost_rows=", StringComparison.Ordinal));
        }
        finally
        {
            Sh($"umount {mnt}");
            Directory.Delete(mnt);
        }
    }

    private static int Sh(string cmd)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", cmd]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [Fact]
    public void A_deleted_seal_key_is_said_in_the_chain_and_the_old_key_still_proves_the_past()
    {
        using var t = new TrailFixture(events: 800);
        File.Delete(t.File(SealingKey.FileName));
        VerifyKey? newKey;
        using (var again = new TrailSink(t.Dir, t.Options))
        {
            Assert.True(again.KeyReplaced);
            newKey = again.NewVerifyKey;
            Assert.Contains(again.Recoveries, r => r.StartsWith("recovery seal_key_replaced", StringComparison.Ordinal));
        }
        Assert.NotNull(newKey);
        var r = t.Verify(withKey: true);
        // The old key: every seal before the replacement verifies, the ones after do not.
        Assert.False(r.Intact);
        Assert.All(r.Damages, d => Assert.Equal(DamageKind.Seal, d.Kind));
        Assert.Contains(r.Files.Single(f => f.File == StateDirectory.TimelineFile).Recoveries, x => x.Contains("seal_key_replaced", StringComparison.Ordinal));
    }
}
