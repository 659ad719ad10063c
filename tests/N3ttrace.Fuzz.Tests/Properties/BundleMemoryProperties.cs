using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using N3ttrace.Fuzz.Tests.Targets;
using N3ttrace.Trail.Export;

namespace N3ttrace.Fuzz.Tests.Properties;

/// <summary>
/// `verify --bundle` streams: what it allocates does not grow with what the archive expands to or declares.
/// Measured with GC.GetAllocatedBytesForCurrentThread (every byte the verifying thread allocated, not a sample).
/// </summary>
public class BundleMemoryProperties
{
    private static long Allocated(byte[] bundle, out BundleVerification v)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        v = BundleVerifier.Verify(new MemoryStream(bundle));
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A bundle directory holding one file of that many zero bytes (gzip makes about 1 KiB of each MiB).</summary>
    private static byte[] Zeros(long size, string name = "n3ttrace-x/data.bin")
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new ZeroStream(size) });
        }
        return ms.ToArray();
    }

    [Theory]
    [InlineData(1L << 20)]
    [InlineData(64L << 20)]
    [InlineData(512L << 20)]
    public void Allocation_stays_flat_however_far_the_archive_expands(long size)
    {
        var bundle = Zeros(size);
        var allocated = Allocated(bundle, out var v);
        Assert.False(v.Ok);
        Assert.All(v.Problems, p => Assert.DoesNotContain('\n', p));
        // 1 MiB and 512 MiB of content (past the bomb limit) cost the same few buffers: no copy of the content, nothing sized by it.
        Assert.True(allocated < 8L << 20, $"{size} bytes expanded: {allocated} bytes allocated");
    }

    [Fact]
    public void A_declared_size_larger_than_the_archive_allocates_nothing_of_that_size()
    {
        // SHA256SUMS is read into memory (capped at 16 MiB): declare 15 MiB and deliver a few bytes.
        var h = new byte[512];
        Encoding.ASCII.GetBytes("n3ttrace-x/SHA256SUMS").CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes(Convert.ToString(15L << 20, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        h[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(h, 148);
        Encoding.ASCII.GetBytes(Convert.ToString(h.Sum(b => (long)b), 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        var bundle = BundleTarget.Gzip([.. h, .. "abc\n"u8.ToArray(), .. new byte[509]]);
        var allocated = Allocated(bundle, out var v);
        Assert.False(v.Ok);
        Assert.True(allocated < 8L << 20, $"{allocated} bytes allocated for a 15 MiB declaration that was never delivered");
    }

    private sealed class ZeroStream(long length) : Stream
    {
        private long _left = length;
        private readonly long _length = length;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _length - _left; set => _left = _length - value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin == SeekOrigin.Begin ? offset : Position + offset;
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
