using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// One file of a <see cref="TrailStream"/>: a plain file (read at any offset), or a Brotli-compressed segment, read
/// forward through one decoder. A read behind the decoder's position starts it again: at the start of the block
/// holding the offset (<see cref="BrotliBlocks"/>), or for a single-stream segment of earlier releases, at the file's
/// beginning.
/// </summary>
internal sealed class SegmentPart(SafeFileHandle handle, string path, ulong ino, bool compressed) : IDisposable
{
    public SafeFileHandle Handle { get; } = handle;
    public string Path { get; } = path;
    public ulong Ino { get; } = ino;
    public bool Compressed { get; } = compressed;
    /// <summary>Bytes of the part's own header skipped (0 for the first part).</summary>
    public long Skip { get; set; }
    /// <summary>Logical offset of the part's first byte.</summary>
    public long Start { get; set; }
    /// <summary>Fixed length (after Skip) of a sealed part; -1 for the live file (it grows).</summary>
    public long Fixed { get; set; } = -1;
    /// <summary>A compressed part's size before compression, from the index (-1: count it by decompressing).</summary>
    public long PlainBytes { get; set; } = -1;

    private FileStream? _raw;
    private BrotliStream? _decoder;
    private long _decoded;
    /// <summary>Block layout of a compressed part (null: one stream); read when first needed.</summary>
    private BrotliBlocks.BlockIndex? _blocks;
    private bool _blocksRead;
    /// <summary>The block the decoder is in.</summary>
    private int _block;

    private BrotliBlocks.BlockIndex? Blocks
    {
        get
        {
            if (!_blocksRead)
            {
                _blocks = BrotliBlocks.ReadIndex(Handle);
                _blocksRead = true;
            }
            return _blocks;
        }
    }

    public long Length => Fixed >= 0 ? Fixed : Math.Max(0, RawLength - Skip);

    /// <summary>The plain bytes of the whole file (its header included).</summary>
    public long RawLength
    {
        get
        {
            if (!Compressed)
            {
                return RandomAccess.GetLength(Handle);
            }
            if (PlainBytes < 0 && Blocks is { } b)
            {
                PlainBytes = b.PlainLength;
            }
            if (PlainBytes < 0)
            {
                var scrap = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = Read(scrap, total)) > 0)
                {
                    total += n;
                }
                PlainBytes = total;
            }
            return PlainBytes;
        }
    }

    /// <summary>Reads plain bytes of the file at <paramref name="offset"/> (its header included).</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        if (!Compressed)
        {
            return RandomAccess.Read(Handle, buffer, offset);
        }
        if (Blocks is { } blocks)
        {
            return ReadBlocks(blocks, buffer, offset);
        }
        if (_decoder is null || offset < _decoded)
        {
            _decoder?.Dispose();
            _raw?.Dispose();
            _raw = new FileStream(new SafeFileHandle(Handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 1 << 16);
            _raw.Position = 0;
            _decoder = new BrotliStream(_raw, CompressionMode.Decompress, leaveOpen: true);
            _decoded = 0;
        }
        var scratch = new byte[1 << 16];
        while (_decoded < offset)
        {
            var n = _decoder.Read(scratch, 0, (int)Math.Min(scratch.Length, offset - _decoded));
            if (n <= 0)
            {
                return 0;
            }
            _decoded += n;
        }
        try
        {
            var got = _decoder.Read(buffer);
            _decoded += got;
            return got;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{Path}: not a whole Brotli stream: {e.Message}");
        }
    }

    private int ReadBlocks(BrotliBlocks.BlockIndex blocks, Span<byte> buffer, long offset)
    {
        var block = blocks.BlockOf(offset);
        if (block >= blocks.Count || buffer.IsEmpty)
        {
            return 0;
        }
        // Restart at the block's start when the offset is in another block or behind the decoder.
        if (_decoder is null || block != _block || offset < _decoded)
        {
            _decoder?.Dispose();
            _raw?.Dispose();
            _raw = new FileStream(new SafeFileHandle(Handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 1 << 16);
            _raw.Position = blocks.Compressed[block];
            var bounded = new BoundedReadStream(_raw, blocks.Compressed[block + 1] - blocks.Compressed[block], null);
            _decoder = new BrotliStream(bounded, CompressionMode.Decompress, leaveOpen: false);
            _decoded = blocks.Plain[block];
            _block = block;
        }
        try
        {
            var scratch = _decoded < offset ? new byte[1 << 16] : null;
            while (_decoded < offset)
            {
                var skipped = _decoder.Read(scratch!, 0, (int)Math.Min(scratch!.Length, offset - _decoded));
                if (skipped <= 0)
                {
                    throw new InvalidDataException($"{Path}: block {block} ends before its index says");
                }
                _decoded += skipped;
            }
            var want = (int)Math.Min(buffer.Length, blocks.Plain[block + 1] - offset);
            var got = _decoder.Read(buffer[..want]);
            if (got <= 0)
            {
                throw new InvalidDataException($"{Path}: block {block} ends before its index says");
            }
            _decoded += got;
            return got;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{Path}: block {block} is not a whole Brotli stream: {e.Message}");
        }
    }

    public void Dispose()
    {
        _decoder?.Dispose();
        _raw?.Dispose();
        Handle.Dispose();
    }
}
