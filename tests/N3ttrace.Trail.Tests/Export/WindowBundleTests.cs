using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using N3ttrace.Core.Tests.Trail;
using N3ttrace.Trail;
using N3ttrace.Trail.Export;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Core.Tests.Export;

/// <summary>
/// [retention] Streaming export: a bundle holds the window's rows and only the segments that hold the window, with the
/// chain starts that link them to the trail; `verify --bundle` proves them (with the key, the seals too), and finds a
/// changed start or a missing segment. Trails of every earlier layout (one plain file, format 1 and 2, segments
/// compressed as one Brotli stream) export and verify the same way.
/// </summary>
public class WindowBundleTests
{
    private static readonly BundleRequest Request = new(new HostFacts("host", "machine", "boot", "kernel", new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc)),
        "test", new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc), "case-1", "examiner");

    private static (BundleWriter.Result Result, byte[] Bundle) Export(TrailFixture t, TimeWindow w)
    {
        var ms = new MemoryStream();
        var r = BundleWriter.Write(t.Dir, w, ms, "case", Request);
        return (r, ms.ToArray());
    }

    private static Dictionary<string, byte[]> Entries(byte[] bundle)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gz = new GZipStream(new MemoryStream(bundle), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } e)
        {
            if (e.EntryType == TarEntryType.RegularFile)
            {
                using var ms = new MemoryStream();
                e.DataStream?.CopyTo(ms);
                files[e.Name[(e.Name.IndexOf('/') + 1)..]] = ms.ToArray();
            }
        }
        return files;
    }

    private static List<string> Rows(byte[] tsv) => Encoding.UTF8.GetString(tsv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

    private static TimeWindow Window(TrailFixture t, double from, double until)
    {
        var w = t.Workload;
        return new TimeWindow(w.Start + (w.Now - w.Start) * from, w.Start + (w.Now - w.Start) * until);
    }

    private static void CompressAll(TrailFixture t, Action<Stream, Stream>? write = null)
    {
        foreach (var name in ChainProof.PartFiles)
        {
            foreach (var seg in TrailSegments.List(t.Dir.Path, name).Where(s => !s.Compressed))
            {
                if (write is null)
                {
                    SegmentCompressor.Compress(t.Dir, name, seg);
                    continue;
                }
                using (var source = TrailStream.OpenPart(seg))
                using (var target = File.Create(TrailSegments.Name(t.Dir.FilePath(name), seg.Number, compressed: true)))
                {
                    write(source, target);
                }
                File.Delete(seg.Path);
            }
        }
    }

    /// <summary>The bundle's rows are exactly what the whole-trail reader finds in the window.</summary>
    private static void AssertSameRows(TrailFixture t, TimeWindow window, Dictionary<string, byte[]> files)
    {
        var reference = TrailWindow.Read(t.Dir, window);
        Assert.NotEmpty(reference.Timeline);
        foreach (var (want, got, name) in new[]
        {
            (reference.Births.Select(r => r.Line).ToList(), Rows(files[StateDirectory.BirthRecordsFile]), StateDirectory.BirthRecordsFile),
            (reference.Timeline.Select(r => r.Line).ToList(), Rows(files[StateDirectory.TimelineFile]), StateDirectory.TimelineFile),
        })
        {
            Assert.True(want.SequenceEqual(got), $"{t.Path} {name}: {want.Count} rows expected, {got.Count} exported; missing: "
                + string.Join(" | ", want.Except(got).Take(3)) + "; extra: " + string.Join(" | ", got.Except(want).Take(3)));
        }
    }

    [Fact]
    public void A_window_bundle_holds_the_window_and_its_segments_only_and_verifies_with_the_seals()
    {
        // Steps of 500 ms: a window of 15% is then long against the index's slack of a minute around it.
        using var t = new TrailFixture(events: 6000, seed: 31, step: TimeSpan.FromMilliseconds(500), segmentBytes: 24_000);
        CompressAll(t);
        var window = Window(t, 0.4, 0.55);
        var (r, bundle) = Export(t, window);
        Assert.True(r.ChainVerified);
        var files = Entries(bundle);
        AssertSameRows(t, window, files);

        // Only the segments that hold the window (or its connections' births), not the whole trail.
        foreach (var name in ChainProof.PartFiles)
        {
            var all = TrailSegments.List(t.Dir.Path, name).Count;
            var carried = files.Keys.Count(k => k.StartsWith($"{BundleLayout.ChainDir}/{name[..^4]}.0", StringComparison.Ordinal));
            Assert.InRange(carried, 1, all / 2);
            var earlierRuns = files.Keys.Count(k => k.StartsWith($"{BundleLayout.ChainDir}/{ChainProof.EarlierPrefix}", StringComparison.Ordinal));
            Assert.InRange(earlierRuns, 0, all / 2);
        }
        Assert.DoesNotContain($"{BundleLayout.ChainDir}/{StateDirectory.TimelineFile}", files.Keys); // the live file is after the window
        Assert.Contains($"{BundleLayout.ChainDir}/{ChainProof.StartsFile}", files.Keys);

        var v = BundleVerifier.Verify(new MemoryStream(bundle), key: t.Key);
        Assert.True(v.Ok, string.Join("\n", v.Problems));
        Assert.True(v.SealsChecked);
        var plain = BundleVerifier.Verify(new MemoryStream(bundle));
        Assert.True(plain.Ok, string.Join("\n", plain.Problems));
    }

    [Fact]
    public void A_changed_start_or_a_missing_segment_of_the_proof_is_found()
    {
        using var t = new TrailFixture(events: 6000, seed: 32, segmentBytes: 24_000);
        CompressAll(t);
        var (_, bundle) = Export(t, Window(t, 0.3, 0.5));
        var files = Entries(bundle);
        var work = Directory.CreateTempSubdirectory("n3t-proof-");
        try
        {
            foreach (var (name, data) in files.Where(f => f.Key.StartsWith(BundleLayout.ChainDir + "/", StringComparison.Ordinal)))
            {
                var to = Path.Combine(work.FullName, name[(BundleLayout.ChainDir.Length + 1)..]);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.WriteAllBytes(to, data);
            }
            var startsText = Encoding.UTF8.GetString(files[$"{BundleLayout.ChainDir}/{ChainProof.StartsFile}"]);
            var parsed = ChainProof.ParseStarts(startsText, []);
            var earlier = parsed.Keys.Where(k => k.Length > 0).ToList();
            IReadOnlyDictionary<string, IReadOnlyDictionary<string, ChainStart>> Starts(Dictionary<string, ChainStart> main) =>
                parsed.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, ChainStart>)(kv.Key == "" ? main : kv.Value));
            var starts = parsed[""];
            Assert.Equal(2, starts.Count);
            var ok = BundleWriter.VerifyParts(work.FullName, Starts(starts), earlier, t.Key);
            Assert.True(ok.Intact, string.Join("\n", ok.Damages));

            // Another start hash: the recomputed chain no longer meets the checkpoints.
            var forged = new Dictionary<string, ChainStart>(starts)
            {
                [StateDirectory.TimelineFile] = starts[StateDirectory.TimelineFile] with { Hash = new string('a', ChainHash.HexLength) },
            };
            var f = BundleWriter.VerifyParts(work.FullName, Starts(forged), earlier, t.Key);
            Assert.False(f.Intact);
            Assert.Contains(f.Damages, d => d.File == StateDirectory.TimelineFile);

            // A segment taken out of the middle of the part.
            var segs = Directory.EnumerateFiles(work.FullName, "snapshots.0*").Order(StringComparer.Ordinal).ToList();
            Assert.True(segs.Count >= 3, $"{segs.Count} segments carried");
            File.Delete(segs[1]);
            var d2 = BundleWriter.VerifyParts(work.FullName, Starts(starts), earlier, t.Key);
            Assert.False(d2.Intact);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void Trails_of_earlier_layouts_export_a_window_that_verifies()
    {
        using var whole = new TrailFixture(events: 3000, seed: 33);
        using var format1 = new TrailFixture(events: 3000, seed: 33, format1: true);
        using var format2 = new TrailFixture(events: 3000, seed: 33, format2: true);
        using var single = new TrailFixture(events: 3000, seed: 33, segmentBytes: 24_000);
        // Segments as main's compressor wrote them before blocks: one Brotli stream each, no block index.
        CompressAll(single, (s, d) =>
        {
            using var b = new BrotliStream(d, CompressionLevel.Fastest, leaveOpen: true);
            s.CopyTo(b);
        });
        foreach (var t in new[] { whole, format1, format2, single })
        {
            var window = Window(t, 0.5, 0.7);
            var (r, bundle) = Export(t, window);
            Assert.True(r.ChainVerified);
            AssertSameRows(t, window, Entries(bundle));
            var v = BundleVerifier.Verify(new MemoryStream(bundle), key: t.Key);
            Assert.True(v.Ok, string.Join("\n", v.Problems));
        }
    }

    [Fact]
    public void An_empty_window_writes_nothing()
    {
        using var t = new TrailFixture(events: 1000, seed: 34);
        var ms = new MemoryStream();
        var r = BundleWriter.Write(t.Dir, new TimeWindow(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2001, 1, 2, 0, 0, 0, DateTimeKind.Utc)), ms, "x", Request);
        Assert.True(r.Extract.IsEmpty);
        Assert.Equal(0, ms.Length);
    }
}
