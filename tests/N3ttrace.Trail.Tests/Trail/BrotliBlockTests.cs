using System.IO.Compression;
using N3ttrace.Trail;
using N3ttrace.Trail.Segments;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>Compressed segments as independent Brotli blocks with an index (`at` checkpoints): any offset reads the
/// same bytes as the plain segment; segments compressed as one stream (earlier releases) still read, travel and verify.</summary>
public class BrotliBlockTests
{
    private static byte[] PlainOf(SegmentFile seg)
    {
        using var s = TrailStream.OpenPart(seg);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Replaces every plain sealed segment by a compressed one written by <paramref name="write"/>.</summary>
    private static void CompressAll(TrailFixture t, Action<Stream, Stream> write)
    {
        foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
        {
            foreach (var seg in TrailSegments.List(t.Dir.Path, name).Where(s => !s.Compressed))
            {
                using (var source = TrailStream.OpenPart(seg))
                using (var target = File.Create(TrailSegments.Name(t.Dir.FilePath(name), seg.Number, compressed: true)))
                {
                    write(source, target);
                }
                File.Delete(seg.Path);
            }
        }
    }

    [Fact]
    public void Any_offset_of_a_block_compressed_segment_reads_the_plain_bytes()
    {
        using var t = new TrailFixture(events: 3000, seed: 21, segmentBytes: 60_000);
        var seg = TrailSegments.List(t.Dir.Path, StateDirectory.TimelineFile)[0];
        var plain = PlainOf(seg);
        var br = seg.Path + TrailSegments.CompressedSuffix;
        using (var source = TrailStream.OpenPart(seg))
        using (var target = File.Create(br))
        {
            BrotliBlocks.Write(source, target, CompressionLevel.Fastest, blockBytes: 4096);
        }
        File.Delete(seg.Path);
        var packed = new SegmentFile(seg.Number, br, Compressed: true);
        using (var h = File.OpenHandle(br))
        {
            var index = BrotliBlocks.ReadIndex(h);
            Assert.NotNull(index);
            Assert.Equal(plain.Length, index.PlainLength);
            Assert.Equal((plain.Length + 4095) / 4096, index.Count);
        }
        using var s = TrailStream.OpenPart(packed);
        Assert.Equal(plain.Length, s.Length);
        var rng = new Random(3);
        var buf = new byte[10_000];
        // Forward, backward, across block edges, and at the end.
        foreach (var offset in Enumerable.Range(0, 200).Select(_ => (long)rng.Next(plain.Length)).Concat([0, 4095, 4096, 8191, plain.Length - 1, plain.Length]))
        {
            s.Position = offset;
            var n = s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
            Assert.Equal((int)Math.Min(buf.Length, plain.Length - offset), n);
            Assert.True(buf.AsSpan(0, n).SequenceEqual(plain.AsSpan((int)offset, n)), $"offset {offset}");
        }
    }

    private static List<string> Lines(string path)
    {
        using var s = TrailReader.OpenShared(path);
        return new TrailReader().Read(s).Select(x => x.Line).ToList();
    }

    [Fact]
    public void Block_and_single_stream_segments_read_travel_and_verify_as_the_plain_trail()
    {
        using var plain = new TrailFixture(events: 4000, seed: 22, segmentBytes: 24_000);
        using var blocks = new TrailFixture(events: 4000, seed: 22, segmentBytes: 24_000);
        using var single = new TrailFixture(events: 4000, seed: 22, segmentBytes: 24_000);
        // Each fixture has its own host secret (remote_hash): rows are compared with the same trail before compression.
        var before = new[] { blocks, single }.ToDictionary(t => t, t => new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile }
            .Select(name => Lines(t.File(name))).ToArray());
        CompressAll(blocks, (s, d) => BrotliBlocks.Write(s, d, CompressionLevel.Fastest, blockBytes: 2048));
        // As main's SegmentCompressor wrote them before blocks: one Brotli stream per segment, no index.
        CompressAll(single, (s, d) =>
        {
            using var b = new BrotliStream(d, CompressionLevel.Fastest, leaveOpen: true);
            s.CopyTo(b);
        });
        foreach (var t in new[] { blocks, single })
        {
            Assert.All(TrailSegments.List(t.Dir.Path, StateDirectory.TimelineFile), s => Assert.True(s.Compressed));
            var r = t.Verify();
            Assert.True(r.Intact, string.Join("\n", r.Damages));
            Assert.Equal(before[t][0], Lines(t.File(StateDirectory.BirthRecordsFile)));
            Assert.Equal(before[t][1], Lines(t.File(StateDirectory.TimelineFile)));
            var w = t.Workload;
            for (var p = 0.05; p < 1; p += 0.1)
            {
                var at = w.Start + (w.Now - w.Start) * p;
                var a1 = TimeMachine.At(plain.File(StateDirectory.TimelineFile), at).Connections;
                var a2 = TimeMachine.At(t.File(StateDirectory.TimelineFile), at).Connections;
                Assert.Equal(a1.Select(c => (c.ConnId, c.Birth, c.Death)), a2.Select(c => (c.ConnId, c.Birth, c.Death)));
            }
        }
    }

    [Fact]
    public void A_damaged_block_index_is_an_error_not_other_rows()
    {
        using var t = new TrailFixture(events: 3000, seed: 23, segmentBytes: 60_000);
        CompressAll(t, (s, d) => BrotliBlocks.Write(s, d, CompressionLevel.Fastest, blockBytes: 4096));
        var seg = TrailSegments.List(t.Dir.Path, StateDirectory.TimelineFile)[0];
        var bytes = File.ReadAllBytes(seg.Path);
        // The second block's compressed offset, moved forward by one byte: that block no longer decodes.
        var count = BitConverter.ToInt32(bytes, bytes.Length - 12);
        var entry = bytes.Length - 20 - count * 16 + 16;
        bytes[entry] += 1;
        File.WriteAllBytes(seg.Path, bytes);
        Assert.ThrowsAny<Exception>(() => { var v = t.Verify(withKey: false); Assert.True(v.Intact); });
    }
}
