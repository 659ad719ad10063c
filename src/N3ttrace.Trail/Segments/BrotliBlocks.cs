using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// The layout of a compressed segment written since `at` checkpoints: independent Brotli streams, each of at most
/// <see cref="BlockBytes"/> plain bytes, then a block index and a trailer:
/// <c>[block 0][block 1]...[index: count x (u64 compressed offset, u64 plain offset)][u64 plain length][u32 count][magic]</c>,
/// little-endian. A read at any plain offset decodes at most one block from its start (a restart point every
/// <see cref="BlockBytes"/>), instead of the whole segment up to there. A file without the trailer is a single Brotli
/// stream (written by earlier releases) and is read as one. The index only says where to start decoding: what is
/// decoded is still checked by the chain, so a wrong index shows as damage, never as silently different rows.
/// </summary>
public static class BrotliBlocks
{
    /// <summary>1 MiB of plain text per block: costs about 1% of size against one stream (Brotli's window at Fastest
    /// is smaller than that anyway), and decoding one block takes a few milliseconds.</summary>
    public const int BlockBytes = 1 << 20;
    private const int EntryBytes = 16;
    private const int TrailerBytes = 8 + 4 + 8;
    private const int MaxBlocks = 1 << 24;
    private static ReadOnlySpan<byte> Magic => "n3tbrix1"u8;

    /// <summary>Compresses <paramref name="source"/> (read to its end) into <paramref name="target"/> as blocks with their index.</summary>
    public static void Write(Stream source, Stream target, CompressionLevel level = CompressionLevel.Fastest) =>
        Write(source, target, level, BlockBytes);

    internal static void Write(Stream source, Stream target, CompressionLevel level, int blockBytes)
    {
        var plain = new byte[blockBytes];
        var offsets = new List<(long Compressed, long Plain)>();
        long plainAt = 0;
        var start = target.Position;
        while (true)
        {
            var n = source.ReadAtLeast(plain, plain.Length, throwOnEndOfStream: false);
            if (n == 0)
            {
                break;
            }
            offsets.Add((target.Position - start, plainAt));
            using (var brotli = new BrotliStream(target, level, leaveOpen: true))
            {
                brotli.Write(plain, 0, n);
            }
            plainAt += n;
            if (n < plain.Length)
            {
                break;
            }
        }
        var tail = new byte[offsets.Count * EntryBytes + TrailerBytes];
        for (var i = 0; i < offsets.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(tail.AsSpan(i * EntryBytes), offsets[i].Compressed);
            BinaryPrimitives.WriteInt64LittleEndian(tail.AsSpan(i * EntryBytes + 8), offsets[i].Plain);
        }
        var t = tail.AsSpan(offsets.Count * EntryBytes);
        BinaryPrimitives.WriteInt64LittleEndian(t, plainAt);
        BinaryPrimitives.WriteInt32LittleEndian(t[8..], offsets.Count);
        Magic.CopyTo(t[12..]);
        target.Write(tail);
    }

    /// <summary>The block index of a compressed segment, or null when it is a single stream (earlier releases).</summary>
    public static BlockIndex? ReadIndex(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < TrailerBytes)
        {
            return null;
        }
        Span<byte> t = stackalloc byte[TrailerBytes];
        if (RandomAccess.Read(handle, t, length - TrailerBytes) != TrailerBytes || !t[12..].SequenceEqual(Magic))
        {
            return null;
        }
        var plainLength = BinaryPrimitives.ReadInt64LittleEndian(t);
        var count = BinaryPrimitives.ReadInt32LittleEndian(t[8..]);
        var indexAt = length - TrailerBytes - (long)count * EntryBytes;
        if (count < 0 || count > MaxBlocks || indexAt < 0 || plainLength < 0)
        {
            throw new InvalidDataException("the block index of the compressed segment is damaged");
        }
        var raw = new byte[count * EntryBytes];
        if (RandomAccess.Read(handle, raw, indexAt) != raw.Length)
        {
            throw new InvalidDataException("the block index of the compressed segment is cut short");
        }
        var compressed = new long[count + 1];
        var plain = new long[count + 1];
        for (var i = 0; i < count; i++)
        {
            compressed[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * EntryBytes));
            plain[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * EntryBytes + 8));
            if ((i > 0 && (compressed[i] <= compressed[i - 1] || plain[i] <= plain[i - 1])) || compressed[i] >= indexAt || plain[i] >= plainLength)
            {
                throw new InvalidDataException("the block index of the compressed segment is damaged");
            }
        }
        compressed[count] = indexAt;
        plain[count] = plainLength;
        return new BlockIndex(compressed, plain);
    }

    /// <summary>Block starts (compressed and plain), each array with one more entry: the ends.</summary>
    public sealed record BlockIndex(long[] Compressed, long[] Plain)
    {
        public int Count => Plain.Length - 1;
        public long PlainLength => Plain[^1];

        /// <summary>The block holding plain offset <paramref name="offset"/> (Count when it is at or past the end).</summary>
        public int BlockOf(long offset)
        {
            var i = Array.BinarySearch(Plain, offset);
            return i >= 0 ? Math.Min(i, Count) : ~i - 1;
        }
    }
}
