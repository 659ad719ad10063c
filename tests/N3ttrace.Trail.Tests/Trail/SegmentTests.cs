using System.Text;
using N3ttrace.Trail;
using N3ttrace.Trail.Export;
using N3ttrace.Trail.Segments;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>
/// A trail cut into segments (sealed files beside the live one) reads, queries, travels in time, exports and verifies
/// exactly as the same workload written into one file: segments are one logical trail to every reader.
/// </summary>
public class SegmentTests
{
    private static List<string> Rows(string path)
    {
        using var s = TrailReader.OpenShared(path);
        return new TrailReader().Read(s).Select(r => r.Line).ToList();
    }

    [Fact]
    public void A_segmented_trail_reads_queries_travels_and_verifies_as_one_file()
    {
        using var whole = new TrailFixture(events: 4000, seed: 5);
        using var cut = new TrailFixture(events: 4000, seed: 5, segmentBytes: 24_000);
        foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            Assert.True(TrailSegments.List(cut.Dir.Path, name).Count >= 3, $"{name}: {TrailSegments.List(cut.Dir.Path, name).Count} segments");
            Assert.Empty(TrailSegments.List(whole.Dir.Path, name));
            // Every row as stored (chain columns included): the same bytes, the same chain.
            Assert.Equal(StoredLines(whole, name), StoredLines(cut, name));
            Assert.Equal(Rows(whole.File(name)).Count, Rows(cut.File(name)).Count);
        }
        var r = cut.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.True(cut.Verify(withKey: false).Intact);

        var q1 = BirthRecordQuery.Run(whole.File(StateDirectory.BirthRecordsFile), whole.File(StateDirectory.TimelineFile), new QueryFilter());
        var q2 = BirthRecordQuery.Run(cut.File(StateDirectory.BirthRecordsFile), cut.File(StateDirectory.TimelineFile), new QueryFilter());
        var hash = BirthRecordQuery.Columns.ToList().IndexOf("remote_hash");
        Assert.Equal(q1.Count, q2.Count);
        Assert.Equal(q1.Select(x => string.Join('\t', x.Where((_, i) => i != hash))), q2.Select(x => string.Join('\t', x.Where((_, i) => i != hash))));

        var w = cut.Workload;
        for (var p = 0.05; p < 1; p += 0.15)
        {
            var at = w.Start + (w.Now - w.Start) * p;
            var a1 = TimeMachine.At(whole.File(StateDirectory.TimelineFile), at).Connections;
            var a2 = TimeMachine.At(cut.File(StateDirectory.TimelineFile), at).Connections;
            Assert.NotEmpty(a2);
            Assert.Equal(a1.Select(c => (c.ConnId, c.Birth, c.Death)), a2.Select(c => (c.ConnId, c.Birth, c.Death)));
        }

        // explain: a connection born in the first segment.
        var firstSegment = TrailSegments.List(cut.Dir.Path, StateDirectory.BirthRecordsFile)[0];
        var col = TsvRow.Header(File.ReadLines(firstSegment.Path).First());
        var connId = File.ReadLines(firstSegment.Path).Skip(1).Select(l => l.Split('\t'))
            .First(f => f[col["conn_id"]].Length > 0 && f[col[ChainColumns.EventColumn]].Length == 0)[col["conn_id"]];
        Assert.Single(TrailRows.ForConnection(cut.Dir, StateDirectory.BirthRecordsFile, connId));

        // export: the same window's records.
        var window = new TimeWindow(w.Start, w.Now.AddMinutes(1));
        var e1 = TrailWindow.Read(whole.Dir, window);
        var e2 = TrailWindow.Read(cut.Dir, window);
        Assert.Equal(e1.Births.Count, e2.Births.Count);
        Assert.Equal(e1.Timeline.Count, e2.Timeline.Count);
        Assert.Equal(0, e2.MalformedRows);
    }

    /// <summary>The rows of the logical file without chain columns' derived differences: both trails drew other keys.</summary>
    private static List<string> StoredLines(TrailFixture t, string name)
    {
        var lines = new List<string>();
        foreach (var seg in TrailSegments.List(t.Dir.Path, name))
        {
            lines.AddRange(File.ReadLines(seg.Path).Skip(1));
        }
        lines.AddRange(File.ReadLines(t.File(name)).Skip(1));
        // remote_hash differs between the two workloads' keys, and with it every chain hash: compare the rest.
        var header = File.ReadLines(t.File(name)).First().Split('\t');
        var skip = new[] { "remote_hash", "duration_s", ChainColumns.Head, ChainColumns.Hash }.Select(c => Array.IndexOf(header, c)).Where(i => i >= 0).ToHashSet();
        return lines.Select(l => string.Join('\t', l.Split('\t').Where((_, i) => !skip.Contains(i)))).ToList();
    }

    [Fact]
    public void Deleting_a_segment_is_detected()
    {
        using var t = new TrailFixture(events: 3000, seed: 6, segmentBytes: 24_000);
        var segments = TrailSegments.List(t.Dir.Path, StateDirectory.BirthRecordsFile);
        Assert.True(segments.Count >= 3);
        File.Delete(segments[1].Path);
        var r = t.Verify(withKey: false);
        Assert.False(r.Intact);
        Assert.Contains(r.Damages, d => d.File == StateDirectory.BirthRecordsFile && d.Kind is DamageKind.Deletion or DamageKind.Edit);
    }

    [Fact]
    public void A_restart_after_a_cut_goes_on_with_the_chain_and_the_format()
    {
        using var t = new TrailFixture(events: 3000, seed: 7, segmentBytes: 24_000, format2: true);
        // The last thing that happened may have been a cut: the live files then hold only their header.
        foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            var header = File.ReadLines(t.File(name)).First();
            var number = TrailSegments.LastNumber(t.Dir.Path) + 1;
            File.Move(t.File(name), t.Dir.FilePath(TrailSegments.Name(name, number)));
            File.WriteAllText(t.File(name), header + "\n");
        }
        using (var sink = new TrailSink(t.Dir, t.Options))
        {
            Assert.Equal(2, sink.Format);
            t.Workload.Run(sink, 500, TimeSpan.FromMilliseconds(50));
        }
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
        Assert.Equal(2, TrailSchema.BirthRecords.FormatOf(File.ReadLines(t.File(StateDirectory.BirthRecordsFile)).First()));
    }

    [Fact]
    public void A_cut_a_crash_interrupted_is_undone_and_never_read_twice()
    {
        using var t = new TrailFixture(events: 2000, seed: 8, segmentBytes: 24_000);
        var name = StateDirectory.BirthRecordsFile;
        var before = Rows(t.File(name));
        // The crash came right after the link: the next segment name is a second name of the live file.
        var number = TrailSegments.LastNumber(t.Dir.Path) + 1;
        Assert.Equal(0, N3ttrace.Interop.LibC.Link(t.File(name), t.Dir.FilePath(TrailSegments.Name(name, number))));
        File.WriteAllText(t.File(name + ".cut"), "partial");
        Assert.Equal(before, Rows(t.File(name)));
        using (var sink = new TrailSink(t.Dir, t.Options))
        {
            t.Workload.Run(sink, 200, TimeSpan.FromMilliseconds(50));
        }
        Assert.False(File.Exists(t.File(name + ".cut")));
        var r = t.Verify();
        Assert.True(r.Intact, string.Join("\n", r.Damages));
    }

    [Fact]
    public void A_reader_open_across_a_cut_follows_into_the_new_live_file()
    {
        using var t = new TrailFixture(events: 1000, seed: 9, stop: false);
        var sink = t.Abandoned!;
        var path = t.File(StateDirectory.TimelineFile);
        using var follower = new LineFollower(TrailReader.OpenShared(path));
        Assert.NotNull(follower.ReadHeader());
        var seen = follower.ReadAvailable();
        Assert.NotEmpty(seen);
        // Cut by age, then write on.
        var options = t.Options with { SegmentAge = TimeSpan.FromSeconds(1) };
        sink.Dispose();
        using (var next = new TrailSink(t.Dir, options))
        {
            t.Workload.Run(next, 400, TimeSpan.FromMilliseconds(50));
            Assert.True(next.SegmentsCut >= 2);
        }
        seen.AddRange(follower.ReadAvailable());
        var all = new List<string>();
        foreach (var seg in TrailSegments.List(t.Dir.Path, StateDirectory.TimelineFile))
        {
            all.AddRange(File.ReadLines(seg.Path).Skip(1));
        }
        all.AddRange(File.ReadLines(path).Skip(1));
        Assert.True(TrailSegments.List(t.Dir.Path, StateDirectory.TimelineFile).Count >= 2);
        Assert.Equal(all, seen);
        Assert.DoesNotContain(seen, l => l.StartsWith("ts\t", StringComparison.Ordinal));
        Assert.True(t.Verify().Intact);
    }

    [Fact]
    public void A_segment_with_another_header_is_refused()
    {
        using var t = new TrailFixture(events: 2000, seed: 10, segmentBytes: 24_000);
        var seg = TrailSegments.List(t.Dir.Path, StateDirectory.BirthRecordsFile)[1];
        var lines = File.ReadAllLines(seg.Path);
        lines[0] = lines[0].Replace("conn_id", "conn", StringComparison.Ordinal);
        File.WriteAllText(seg.Path, string.Join('\n', lines) + "\n", Encoding.UTF8);
        Assert.Throws<InvalidDataException>(() => Rows(t.File(StateDirectory.BirthRecordsFile)));
    }
}
