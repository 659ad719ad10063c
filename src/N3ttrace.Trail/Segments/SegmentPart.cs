using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Trail.Segments;

/// <summary>
/// One file of a <see cref="TrailStream"/>: a plain file (read at any offset), or a Brotli-compressed segment, read
/// forward through one decoder (a read behind the decoder's position starts it again from the file's beginning;
/// readers mostly go forward, and `at` and `query` use the index to open few segments).
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

    public void Dispose()
    {
        _decoder?.Dispose();
        _raw?.Dispose();
        Handle.Dispose();
    }
}
