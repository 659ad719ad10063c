using N3ttrace.Trail;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// Format 3 (no timeline birth or fail rows, death rows without what the birth record holds, chain_head on the last
/// row of each write, enumerated columns as codes): every reader sees what format 2 wrote for the same workload.
/// </summary>
public class Format3Tests
{
    /// <summary>Rows as readers see them, without what differs between two writes of the same workload by design:
    /// remote_hash (each workload draws its own endpoint key), chain columns, keyframes (placed by row count) and
    /// a level row's duration_s (taken from the real clock when written).</summary>
    private static List<string> View(TrailFixture t, string file, params string[] skip)
    {
        using var s = TrailReader.OpenShared(t.File(file));
        var reader = new TrailReader();
        var rows = reader.ReadData(s)
            .Where(r => !r.Header.ContainsKey("event") || r["event"] is not (TimelineColumns.Keyframe or TimelineColumns.KeyframeBegin or TimelineColumns.KeyframeEnd))
            .Select(r => string.Join('\t', r.Columns().Where(c => !ChainColumns.IsChainColumn(c.Name) && c.Name != "remote_hash" && !skip.Contains(c.Name)
                && !(c.Name == "duration_s" && r.Get("event") == TimelineColumns.Level)).Select(c => $"{c.Name}={c.Value}")))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(0, reader.Unresolved);
        return rows;
    }

    [Fact]
    public void Readers_see_the_same_records_as_format_2_wrote_for_the_same_workload()
    {
        using var f2 = new TrailFixture(events: 4000, seed: 3, format2: true);
        using var f3 = new TrailFixture(events: 4000, seed: 3);
        Assert.Equal(View(f2, StateDirectory.BirthRecordsFile), View(f3, StateDirectory.BirthRecordsFile));
        var timeline2 = View(f2, StateDirectory.TimelineFile);
        Assert.Contains(timeline2, r => r.Contains("event=birth", StringComparison.Ordinal));
        Assert.Contains(timeline2, r => r.Contains("event=fail", StringComparison.Ordinal));
        Assert.Contains(timeline2, r => r.Contains("event=death", StringComparison.Ordinal) && r.Contains("pid=1", StringComparison.Ordinal));
        var timeline3 = View(f3, StateDirectory.TimelineFile);
        var differ = timeline2.Zip(timeline3).FirstOrDefault(p => p.First != p.Second);
        Assert.True(differ == default, $"format 2: {differ.First}\nformat 3: {differ.Second}");
        Assert.Equal(timeline2, timeline3);

        var q2 = BirthRecordQuery.Run(f2.File(StateDirectory.BirthRecordsFile), f2.File(StateDirectory.TimelineFile), new QueryFilter());
        var q3 = BirthRecordQuery.Run(f3.File(StateDirectory.BirthRecordsFile), f3.File(StateDirectory.TimelineFile), new QueryFilter());
        var hash = BirthRecordQuery.Columns.ToList().IndexOf("remote_hash");
        Assert.Equal(q2.Select(r => string.Join('\t', r.Where((_, i) => i != hash))), q3.Select(r => string.Join('\t', r.Where((_, i) => i != hash))));

        var w = f3.Workload;
        for (var p = 0.05; p < 1; p += 0.1)
        {
            var at = w.Start + (w.Now - w.Start) * p;
            var a2 = TimeMachine.At(f2.File(StateDirectory.TimelineFile), at).Connections;
            var a3 = TimeMachine.At(f3.File(StateDirectory.TimelineFile), at).Connections;
            Assert.NotEmpty(a3);
            Assert.Equal(a2.Select(c => (c.ConnId, c.Pid, c.Comm, c.AncestryId, c.RemotePort, c.Birth, c.Level, c.Purpose)),
                a3.Select(c => (c.ConnId, c.Pid, c.Comm, c.AncestryId, c.RemotePort, c.Birth, c.Level, c.Purpose)));
            // How far past the instant a replay looks (so which later deaths it names) follows the keyframes' spacing in rows.
            Assert.All(a2.Zip(a3), p => Assert.True(p.First.Death is null || p.Second.Death is null || p.First.Death == p.Second.Death));
        }

        // On disk: no birth or fail row in the timeline, and the trail is less than half the size.
        Assert.DoesNotContain(File.ReadLines(f3.File(StateDirectory.TimelineFile)), l => l.Split('\t')[1] is TimelineColumns.Birth or TimelineColumns.Fail);
        long Size(TrailFixture t) => new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile }.Sum(n => new FileInfo(t.File(n)).Length);
        Assert.True(Size(f3) * 2 < Size(f2), $"format 3 {Size(f3)} B, format 2 {Size(f2)} B");
        foreach (var t in new[] { f2, f3 })
        {
            var r = t.Verify();
            Assert.True(r.Intact, string.Join("\n", r.Damages));
        }
    }

    [Fact]
    public void A_crash_that_ends_a_file_on_a_derived_head_resumes_the_chain()
    {
        using var t = new TrailFixture(events: 2000, stop: false);
        var sink = t.Abandoned!;
        t.Workload.Run(sink, 40, TimeSpan.FromMilliseconds(50)); // under the checkpoint interval: an unsealed tail
        sink.Flush();
        var path = t.File(StateDirectory.BirthRecordsFile);
        var lines = File.ReadAllLines(path);
        Assert.Equal(64, lines[^1].Split('\t')[^1].Length); // a write ends on the full head
        Assert.Equal("", lines[^2].Split('\t')[^1]); // the rows before it store none
        // As if the last part of the last write never reached the disk.
        File.WriteAllLines(path, lines[..^1]);
        using (var again = new TrailSink(t.Dir, t.Options))
        {
            Assert.Equal(TrailSchema.Format, again.Format);
            t.Workload.Run(again, 300, TimeSpan.FromMilliseconds(50));
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
    }

    [Fact]
    public void An_edit_of_a_row_without_a_stored_head_is_found_at_the_next_stored_head()
    {
        using var t = new TrailFixture(events: 2000);
        var path = t.File(StateDirectory.TimelineFile);
        var lines = File.ReadAllLines(path);
        var i = Array.FindIndex(lines, 1, l => l.Contains("\tdeath\t", StringComparison.Ordinal) && l.EndsWith('\t'));
        lines[i] = lines[i].Replace("\tdeath\t", "\tDeath\t", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var r = t.Verify(withKey: false);
        Assert.False(r.Intact);
        Assert.Equal(DamageKind.Edit, r.First!.Kind);
        Assert.True(r.First.Line > i, "found at the row that stores the next head");
    }

    [Fact]
    public void A_format_2_directory_goes_on_in_format_2()
    {
        using var t = new TrailFixture(events: 1000, format2: true);
        using (var again = new TrailSink(t.Dir, t.Options with { WriteFormat2 = false }))
        {
            Assert.Equal(2, again.Format);
            t.Workload.Run(again, 500, TimeSpan.FromMilliseconds(50));
        }
        Assert.Contains(File.ReadLines(t.File(StateDirectory.TimelineFile)), l => l.Split('\t')[1] == TimelineColumns.Birth);
        Assert.DoesNotContain(ChainColumns.Head, File.ReadLines(t.File(StateDirectory.BirthRecordsFile)).First(), StringComparison.Ordinal);
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
    }
}
