using System.Diagnostics;
using System.IO.Compression;

namespace N3ttrace.Bench.Trail;

/// <summary>
/// Compresses the trail files just written with the BCL's codecs at a few levels and prints, per codec, the
/// compressed bytes, bytes per connection and throughput: the figures behind the choice of a codec for sealed
/// segments (docs/trail.md). Compression runs on one thread, over the real rows the writer produced.
/// </summary>
internal static class CompressionFigures
{
    private static readonly (string Name, Func<Stream, Stream> Open)[] Codecs =
    [
        ("gzip-fastest", s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true)),
        ("gzip-optimal", s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true)),
        ("gzip-smallest", s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true)),
        ("zlib-optimal", s => new ZLibStream(s, CompressionLevel.Optimal, leaveOpen: true)),
        ("brotli-fastest", s => new BrotliStream(s, CompressionLevel.Fastest, leaveOpen: true)),
        ("brotli-optimal", s => new BrotliStream(s, CompressionLevel.Optimal, leaveOpen: true)),
        ("brotli-q7", s => new BrotliStream(s, new BrotliCompressionOptions { Quality = 7 }, leaveOpen: true)),
    ];

    public static void Print(string directory, long connections)
    {
        var files = Directory.EnumerateFiles(directory, "*.tsv").Order(StringComparer.Ordinal).ToList();
        var raw = files.Sum(f => new FileInfo(f).Length);
        foreach (var (name, open) in Codecs)
        {
            long compressed = 0;
            var sw = Stopwatch.StartNew();
            foreach (var f in files)
            {
                using var input = File.OpenRead(f);
                var counter = new CountingStream();
                using (var z = open(counter))
                {
                    input.CopyTo(z, 1 << 20);
                }
                compressed += counter.Length;
            }
            var s = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"compress\t{name}\t{compressed}\t{(connections == 0 ? 0 : compressed / connections)}\t{raw / (double)compressed:0.0}x\t{raw / 1e6 / s:0} MB/s");
        }
    }

    /// <summary>Counts what a codec writes, without keeping it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
