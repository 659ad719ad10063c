using System.Globalization;
using System.Text.RegularExpressions;
using N3ttrace.Bench.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Segments;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// Retention: whole sealed segments pruned by age and by size behind sealed prune anchors; verify proves what remains
/// from the anchor, with and without the verification key, and catches a deletion or an anchor that was not made by a prune.
/// </summary>
public partial class RetentionTests
{
    /// <summary>A trail written with retention on, on a simulated clock; the sink's prune notices kept.</summary>
    private sealed class Retained : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("n3t-retain-").FullName;
        public StateDirectory Dir { get; }
        public TrailWorkload Workload { get; } = new(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 11) { TargetActive = 30 };
        public TrailSink Sink { get; }
        public VerifyKey Key { get; }
        public List<string> Notices { get; } = [];

        public Retained(TimeSpan retain = default, long maxDisk = 0, bool compress = false)
        {
            Dir = StateDirectory.Open(Path.Combine(Root, "state"), create: true);
            Sink = new TrailSink(Dir, new TrailOptions
            {
                EpochLength = TimeSpan.FromSeconds(60), UtcNow = Workload.Clock, KeyframeEveryRows = 300,
                SegmentBytes = 16_000, CompressSegments = compress, Retain = retain, MaxDiskBytes = maxDisk,
            });
            Key = Sink.NewVerifyKey!;
            Sink.Inform = m => { lock (Notices) { Notices.Add(m); } };
        }

        public string File(string name) => Dir.FilePath(name);

        public List<SegmentFile> Segments(string name = StateDirectory.BirthRecordsFile) => TrailSegments.List(Dir.Path, name);

        public VerifyReport Verify(bool withKey) => TrailVerifier.Verify(Dir.Path, withKey ? Key : null);

        private bool _stopped;

        public void Stop()
        {
            if (!_stopped)
            {
                _stopped = true;
                Sink.Dispose();
            }
        }

        public void Dispose()
        {
            Stop();
            Directory.Delete(Root, recursive: true);
        }
    }

    private static void AssertIntact(VerifyReport r) => Assert.True(r.Intact, string.Join("\n", r.Damages));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pruning_by_size_keeps_the_cap_and_verify_proves_the_rest_from_the_anchor(bool compress)
    {
        // The dictionaries (processes.tsv holds 1.2 MB of this workload's certificates), checkpoints and the reserve are not
        // segments: the cap leaves room for them and for some segments.
        const long cap = 1_900_000;
        using var t = new Retained(maxDisk: cap, compress: compress);
        t.Workload.Run(t.Sink, 9000, TimeSpan.FromMilliseconds(50));
        t.Sink.CompressSegmentsNow();
        t.Sink.PruneNow();
        Assert.True(t.Sink.SegmentsPruned > 0);
        Assert.True(SegmentPruner.DirectoryBytes(t.Dir.Path) <= cap, $"{SegmentPruner.DirectoryBytes(t.Dir.Path)} bytes on disk, cap {cap}: "
            + string.Join(", ", new DirectoryInfo(t.Dir.Path).EnumerateFiles().Select(f => $"{f.Name} {f.Length}")));
        Assert.NotEqual(1, t.Segments()[0].Number);
        t.Stop();
        foreach (var withKey in new[] { true, false })
        {
            var r = t.Verify(withKey);
            AssertIntact(r);
            var births = r.Files.Single(f => f.File == StateDirectory.BirthRecordsFile);
            Assert.True(births.PrunedThrough > 0);
            Assert.Matches(@"^pruned \d+ segment\(s\) \d{6}\.\.\d{6} \(seq \d+\.\.\d+, time .+\.\..+, \d+ connection\(s\), reason size\) at ", births.Prunes[^1]);
            Assert.True(r.Files.Single(f => f.File == StateDirectory.TimelineFile).PrunedThrough > 0);
        }
        // Every connection is accounted for: in a pruned segment the anchors counted, or still in the trail.
        var pruned = t.Notices.Sum(n => long.Parse(ConnectionsIn().Match(n).Groups[1].Value, CultureInfo.InvariantCulture));
        var present = BirthRecordQuery.Run(t.File(StateDirectory.BirthRecordsFile), t.File(StateDirectory.TimelineFile), new QueryFilter()).Count;
        Assert.Equal(t.Workload.Lives.Count, pruned + present);
    }

    [GeneratedRegex(@", (\d+) connection\(s\),")]
    private static partial Regex ConnectionsIn();

    [Fact]
    public void Pruning_by_age_removes_only_segments_whose_rows_are_all_older_than_the_retention()
    {
        using var t = new Retained(retain: TimeSpan.FromMinutes(3));
        t.Workload.Run(t.Sink, 8000, TimeSpan.FromMilliseconds(50)); // 400 s of rows
        t.Sink.PruneNow();
        Assert.True(t.Sink.SegmentsPruned > 0);
        var cutoff = t.Workload.Now - TimeSpan.FromMinutes(3);
        // The oldest segment left still holds a row inside the retention; the ones pruned held none.
        var first = t.Segments()[0];
        var lastTs = File.ReadLines(first.Path).Skip(1).Select(l => l[..27]).Max(StringComparer.Ordinal)!;
        Assert.True(string.CompareOrdinal(lastTs, N3ttrace.Time.Timestamp.ToRecord(cutoff)) >= 0, $"{first.Path} ends at {lastTs}, cutoff {cutoff:O}");
        Assert.Contains(t.Notices, n => n.Contains("reason age", StringComparison.Ordinal));
        t.Stop();
        AssertIntact(t.Verify(withKey: true));
        AssertIntact(t.Verify(withKey: false));
        // Nothing is pruned while it is inside the retention: a second prune finds nothing.
        using var again = new Retained(retain: TimeSpan.FromDays(1));
        again.Workload.Run(again.Sink, 4000, TimeSpan.FromMilliseconds(50));
        Assert.False(again.Sink.PruneNow());
        Assert.Equal(1, again.Segments()[0].Number);
    }

    [Fact]
    public void At_and_query_say_a_pruned_window_is_incomplete_not_empty()
    {
        using var t = new Retained(maxDisk: 120_000);
        t.Workload.Run(t.Sink, 8000, TimeSpan.FromMilliseconds(50));
        t.Sink.PruneNow();
        t.Stop();
        var early = t.Workload.Start.AddSeconds(20);
        var at = TimeMachine.At(t.File(StateDirectory.TimelineFile), early);
        Assert.Contains(at.Gaps, g => g.Cause == PrunedWindow.Cause);
        Assert.Contains(GapScan.Overlapping(t.File(StateDirectory.BirthRecordsFile), t.Workload.Start, early), g => g.Cause == PrunedWindow.Cause);
        // A window after the pruned part is complete.
        Assert.DoesNotContain(GapScan.Overlapping(t.File(StateDirectory.BirthRecordsFile), t.Workload.Now.AddSeconds(-5), t.Workload.Now), g => g.Cause == PrunedWindow.Cause);
    }

    /// <summary>A pruned trail, stopped, for a tamper case.</summary>
    private static Retained Pruned()
    {
        var t = new Retained(maxDisk: 1_900_000);
        t.Workload.Run(t.Sink, 8000, TimeSpan.FromMilliseconds(50));
        Assert.True(t.Sink.PruneNow() || t.Sink.SegmentsPruned > 0);
        Assert.True(t.Segments().Count >= 3, $"{t.Segments().Count} segments left");
        t.Stop();
        AssertIntact(t.Verify(withKey: true));
        return t;
    }

    [Fact]
    public void Deleting_a_segment_that_was_not_pruned_is_damage_with_and_without_the_key()
    {
        using var t = Pruned();
        File.Delete(t.Segments()[0].Path); // the oldest left: the anchor does not cover it
        foreach (var withKey in new[] { true, false })
        {
            var r = t.Verify(withKey);
            Assert.False(r.Intact);
            Assert.Contains(r.Damages, d => d.File == StateDirectory.BirthRecordsFile && d.Kind == DamageKind.Deletion);
        }
        using var u = Pruned();
        File.Delete(u.Segments(StateDirectory.TimelineFile)[1].Path); // one in the middle
        Assert.Contains(u.Verify(withKey: false).Damages, d => d.File == StateDirectory.TimelineFile && d.Kind == DamageKind.Deletion);
    }

    private static string[] WithoutPruneAnchors(string[] lines) => lines.Where(l => l.Split('\t') is not [_, CheckpointColumns.Prune, ..]).ToArray();

    [Fact]
    public void Stripping_the_prune_anchor_is_damage_even_when_the_checkpoints_are_rechained()
    {
        using var t = Pruned();
        var cp = t.File(CheckpointColumns.FileName);
        File.WriteAllLines(cp, WithoutPruneAnchors(File.ReadAllLines(cp)));
        Assert.False(t.Verify(withKey: false).Intact); // the checkpoints chain shows the hole
        // Rechained (the plain chain made whole again, old macs kept): the data chains begin after rows no anchor covers.
        Intruder.Rechain(cp, CheckpointColumns.FileName, null, f => f[^1]);
        var plain = t.Verify(withKey: false);
        Assert.Contains(plain.Damages, d => d.File == StateDirectory.BirthRecordsFile && d.Kind == DamageKind.Deletion);
        Assert.Contains(t.Verify(withKey: true).Damages, d => d.Kind == DamageKind.Seal);
    }

    [Fact]
    public void An_edited_anchor_is_damage_with_and_without_the_key()
    {
        using var t = Pruned();
        var cp = t.File(CheckpointColumns.FileName);
        var lines = File.ReadAllLines(cp);
        var i = Array.FindLastIndex(lines, l => l.Split('\t') is [_, CheckpointColumns.Prune, _, StateDirectory.BirthRecordsFile, ..]);
        var f = lines[i].Split('\t');
        f[5] = new string('a', ChainHash.HexLength); // another head
        lines[i] = string.Join('\t', f);
        File.WriteAllLines(cp, lines);
        Assert.False(t.Verify(withKey: false).Intact);
        Intruder.Rechain(cp, CheckpointColumns.FileName, null, x => x[^1]);
        var r = t.Verify(withKey: false);
        Assert.Contains(r.Damages, d => d.File == StateDirectory.BirthRecordsFile);
        Assert.Contains(t.Verify(withKey: true).Damages, d => d.Kind == DamageKind.Seal);
    }

    [Fact]
    public void A_forged_anchor_covering_a_deleted_segment_is_damage_with_and_without_the_key()
    {
        using var t = Pruned();
        // The intruder deletes the oldest segment left and forges a prune anchor for it: its last row's seq and head.
        var victim = t.Segments()[0];
        var last = File.ReadLines(victim.Path).Last().Split('\t');
        var header = File.ReadLines(victim.Path).First().Split('\t');
        var seq = last[Array.IndexOf(header, "chain_seq")];
        File.Delete(victim.Path);
        var cp = t.File(CheckpointColumns.FileName);
        var lines = File.ReadAllLines(cp).ToList();
        var model = lines.Last(l => l.Split('\t') is [_, CheckpointColumns.Prune, _, StateDirectory.BirthRecordsFile, ..]).Split('\t');
        model[4] = seq;
        model[5] = last[^1];
        lines.Add(string.Join('\t', model));
        File.WriteAllLines(cp, lines);
        Intruder.Rechain(cp, CheckpointColumns.FileName, null, x => x[^1]);
        var plain = t.Verify(withKey: false);
        // The chain now begins at the forged anchor, but no prune record in the chain made it.
        Assert.Contains(plain.Damages, d => d.File == StateDirectory.BirthRecordsFile && d.Detail.Contains("no prune record", StringComparison.Ordinal));
        Assert.Contains(t.Verify(withKey: true).Damages, d => d.Kind == DamageKind.Seal);
    }

    [Fact]
    public void An_edited_prune_record_breaks_the_chain()
    {
        using var t = Pruned();
        var live = t.File(StateDirectory.BirthRecordsFile);
        var text = File.ReadAllText(live);
        var edited = ConnectionsField().Replace(text, "connections=0", 1);
        Assert.NotEqual(text, edited);
        File.WriteAllText(live, edited);
        Assert.False(t.Verify(withKey: false).Intact);
    }

    [GeneratedRegex(@"connections=\d+")]
    private static partial Regex ConnectionsField();

    [Fact]
    public void Retention_flags_never_prune_the_newest_sealed_segment()
    {
        using var t = new Retained(maxDisk: 1); // a cap nothing fits in
        t.Workload.Run(t.Sink, 4000, TimeSpan.FromMilliseconds(50));
        t.Sink.PruneNow();
        Assert.Single(t.Segments());
        Assert.Single(t.Segments(StateDirectory.TimelineFile));
        t.Stop();
        AssertIntact(t.Verify(withKey: true));
    }
}
