using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;
using N3ttrace.Trail.Segments;

namespace N3ttrace.Trail;

/// <summary>
/// One chained trail file as every reader sees it: its sealed segments, oldest first, then the live file, joined
/// into one read-only, seekable stream with the header once (each later part's header line is skipped, and must be
/// the same). Offsets are logical; nothing outside this type knows where one segment ends. A file without segments
/// is read as it is. When the live file is cut while this stream is open (a new file under the live name), reading
/// at the end goes on into the new one: a follower (`tail`) sees one trail across cuts.
/// Every part is opened through <see cref="OpenChecked"/> (O_NOFOLLOW, regular file, owned by this user).
/// </summary>
public sealed class TrailStream : Stream
{
    private readonly List<SegmentPart> _parts = [];
    private readonly string _path;
    private long _position;
    /// <summary>The highest segment number read (or known when opened): a cut makes the next ones.</summary>
    private long _lastSegment;

    private TrailStream(string path) => _path = path;

    /// <summary>The live file's path (the dictionaries and the birth records are found beside it).</summary>
    public string Name => _path;

    /// <summary>The window the segments were chosen for (null: all of them).</summary>
    public DateTime? From { get; private init; }
    public DateTime? Until { get; private init; }
    public bool Keyframe { get; private init; }

    /// <summary>Sealed segments read before the live file.</summary>
    public int SegmentCount => _parts.Count(p => p.Fixed >= 0);

    /// <summary>The paths of the parts, oldest first (the live file last).</summary>
    public IReadOnlyList<string> PartPaths => _parts.Select(p => p.Path).ToList();

    /// <summary>Opens the logical file <paramref name="path"/>: its segments, then the live file. With a window, only the
    /// segments the index says overlap it (<see cref="SegmentIndex.Select"/>; with <paramref name="keyframe"/>, back to one
    /// holding a keyframe before it), so the stream then begins mid-trail.</summary>
    public static TrailStream Open(string path, DateTime? from = null, DateTime? until = null, bool keyframe = false)
    {
        var s = new TrailStream(path) { From = from, Until = until, Keyframe = keyframe };
        try
        {
            // The live file first: a cut that happens while the segments are listed then shows as a segment with
            // the same inode as the open live file, which is skipped (never read twice, never missed).
            var live = TryOpen(new SegmentFile(0, path, false));
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            var name = System.IO.Path.GetFileName(path);
            var all = TrailSegments.List(dir, name);
            var index = all.Any(x => x.Compressed) ? SegmentIndex.Load(dir) : [];
            foreach (var seg in SegmentIndex.Select(dir, all, name, from, until, keyframe))
            {
                if (TryOpen(seg) is not { } part)
                {
                    continue; // removed since it was listed (pruned)
                }
                if (live is not null && part.Ino == live.Ino)
                {
                    part.Dispose();
                    continue;
                }
                if (index.TryGetValue((name, seg.Number), out var e))
                {
                    part.PlainBytes = e.PlainBytes;
                }
                s.Add(part, fixedLength: true);
            }
            s._lastSegment = TrailSegments.List(dir, System.IO.Path.GetFileName(path)).Select(x => x.Number).DefaultIfEmpty(0).Max();
            if (live is not null)
            {
                s.Add(live, fixedLength: false);
            }
            else if (s._parts.Count == 0)
            {
                throw new FileNotFoundException($"{path} does not exist", path);
            }
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Opens one sealed segment alone (with its header).</summary>
    public static TrailStream OpenPart(SegmentFile segment)
    {
        var s = new TrailStream(segment.Path);
        var part = TryOpen(segment) ?? throw new FileNotFoundException($"{segment.Path} does not exist", segment.Path);
        s.Add(part, fixedLength: true);
        return s;
    }

    private void Add(SegmentPart part, bool fixedLength)
    {
        if (_parts.Count > 0)
        {
            var first = HeaderLength(_parts[0]);
            var own = HeaderLength(part);
            if (own < 0 && !fixedLength)
            {
                part.Skip = first; // a live file being created: its header comes in a moment, nothing to read yet
            }
            else
            {
                if (own != first || !SameBytes(_parts[0], part, first))
                {
                    part.Dispose();
                    throw new InvalidDataException($"{part.Path} has a different header than {_parts[0].Path}: not one trail");
                }
                part.Skip = own;
            }
        }
        var last = _parts.Count > 0 ? _parts[^1] : null;
        part.Start = last is null ? 0 : last.Start + last.Length;
        if (fixedLength)
        {
            part.Fixed = Math.Max(0, part.RawLength - part.Skip);
        }
        _parts.Add(part);
    }

    /// <summary>Length of the first line including its newline, or -1 when there is none.</summary>
    private static long HeaderLength(SegmentPart h)
    {
        var buf = new byte[64 * 1024];
        var n = ReadFully(h, buf, 0);
        var i = buf.AsSpan(0, n).IndexOf((byte)'\n');
        return i < 0 ? -1 : i + 1;
    }

    private static bool SameBytes(SegmentPart a, SegmentPart b, long length)
    {
        var x = new byte[length];
        var y = new byte[length];
        return ReadFully(a, x, 0) == length && ReadFully(b, y, 0) == length && x.AsSpan().SequenceEqual(y);
    }

    private static int ReadFully(SegmentPart p, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = p.Read(buffer[total..], offset + total);
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    /// <summary>Opens one part with the contract-7 checks, or null when it does not exist.</summary>
    private static SegmentPart? TryOpen(SegmentFile file)
    {
        var path = file.Path;
        var h = LibC.Open(path, LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (h.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            h.Dispose();
            if (errno == 2)
            {
                return null;
            }
            throw errno switch
            {
                40 => new StateDirectoryException($"{path} is a symbolic link; refusing to follow it"),
                _ => new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        try
        {
            var st = OpenChecked(h, path);
            return new SegmentPart(h, path, st.Ino, file.Compressed);
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>One plain state file (not a segmented trail) with the same checks: no symlink, regular, owned by this user.</summary>
    public static FileStream OpenFile(string path)
    {
        var h = LibC.Open(path, LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (h.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            h.Dispose();
            throw errno switch
            {
                2 => new FileNotFoundException($"{path} does not exist", path),
                40 => new StateDirectoryException($"{path} is a symbolic link; refusing to follow it"),
                _ => new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        try
        {
            OpenChecked(h, path);
            return new FileStream(h, FileAccess.Read, 1 << 16);
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>Refuses an opened descriptor that is not a regular file owned by this user (checked on the descriptor).</summary>
    internal static LibC.Statx OpenChecked(SafeFileHandle h, string path)
    {
        if (LibC.StatX((int)h.DangerousGetHandle(), "", LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, out var st) != 0)
        {
            throw new IOException($"cannot stat {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        if ((st.Mode & LibC.S_IFMT) != LibC.S_IFREG)
        {
            throw new StateDirectoryException($"{path} is not a regular file");
        }
        var euid = LibC.GetEuid();
        if (st.Uid != euid)
        {
            throw new StateDirectoryException($"{path} is owned by uid {st.Uid}, not by uid {euid}; refusing to read it");
        }
        return st;
    }

    /// <summary>Reads at a logical offset (like <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>), across parts;
    /// fewer bytes only at the end.</summary>
    public int ReadAt(Span<byte> buffer, long offset)
    {
        var total = 0;
        while (buffer.Length > 0)
        {
            var n = ReadOnce(buffer, offset);
            if (n <= 0)
            {
                break;
            }
            total += n;
            offset += n;
            buffer = buffer[n..];
        }
        return total;
    }

    private int ReadOnce(Span<byte> buffer, long offset)
    {
        for (var i = 0; i < _parts.Count; i++)
        {
            var p = _parts[i];
            var length = p.Length;
            if (offset < p.Start + length)
            {
                var within = offset - p.Start;
                var want = (int)Math.Min(buffer.Length, length - within);
                return p.Read(buffer[..want], p.Skip + within);
            }
        }
        return FollowCut() ? ReadOnce(buffer, offset) : 0;
    }

    /// <summary>At the end: when the live name now holds another file (the live file was cut), freezes the old one and goes on in the new.</summary>
    private bool FollowCut()
    {
        if (_parts.Count == 0 || _parts[^1].Fixed >= 0)
        {
            return false;
        }
        var live = _parts[^1];
        if (LibC.StatX(LibC.AT_FDCWD, _path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, out var st) != 0 || st.Ino == live.Ino)
        {
            return false;
        }
        if (TryOpen(new SegmentFile(0, _path, false)) is not { } next)
        {
            return false;
        }
        if (HeaderLength(next) < 0)
        {
            next.Dispose();
            return false; // its header is still being written: try again at the next read
        }
        // The live file read so far became the first segment cut since; later cuts (a follower that slept) made more.
        live.Fixed = Math.Max(0, live.RawLength - live.Skip);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;
        var cut = TrailSegments.List(dir, System.IO.Path.GetFileName(_path)).Where(x => x.Number > _lastSegment).ToList();
        foreach (var seg in cut.Skip(1))
        {
            if (TryOpen(seg) is not { } part)
            {
                continue; // pruned before it was read
            }
            if (part.Ino == next.Ino || part.Ino == live.Ino)
            {
                part.Dispose();
                continue;
            }
            Add(part, fixedLength: true);
        }
        _lastSegment = cut.Select(x => x.Number).DefaultIfEmpty(_lastSegment).Max();
        Add(next, fixedLength: false);
        return true;
    }

    /// <summary>Offset of the last '\n' before <paramref name="length"/>, or -1.</summary>
    public long LastNewline(long length)
    {
        var buf = new byte[64 * 1024];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buf.Length);
            var n = ReadAt(buf.AsSpan(0, (int)(end - start)), start);
            var i = buf.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (i >= 0)
            {
                return start + i;
            }
            end = start;
        }
        return -1;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            if (_parts.Count == 0)
            {
                return 0;
            }
            var last = _parts[^1];
            return last.Start + last.Length;
        }
    }

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = ReadOnce(buffer, _position);
        if (n > 0)
        {
            _position += n;
        }
        return Math.Max(0, n);
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var p in _parts)
            {
                p.Dispose();
            }
            _parts.Clear();
        }
        base.Dispose(disposing);
    }
}
