using System.Buffers;
using System.Text;

namespace N3ttrace.Trail.Export;

/// <summary>
/// A streaming tar reader for bundles, written for hostile input: every header field is parsed with
/// overflow checks, extended headers (PAX, GNU long names) are capped before anything is allocated, and
/// entry data is only ever handed out as a bounded stream. System.Formats.Tar allocates an extended
/// header whole, whatever size it declares, which a decompression bomb turns into gigabytes.
/// Accepts ustar, GNU and PAX headers as written by TarWriter and GNU tar; anything else is an error.
/// </summary>
public sealed class BundleTarReader(Stream input)
{
    public const int Block = 512;
    /// <summary>The most a PAX header or a GNU long name may hold: real ones are a few hundred bytes.</summary>
    public const int MaxExtendedHeader = 64 * 1024;
    public const int MaxNameBytes = 4096;

    private readonly Stream _input = input;
    private readonly byte[] _header = new byte[Block];
    private long _pendingData;     // bytes of the current entry not consumed yet
    private long _pendingPadding;  // padding after it
    private bool _end;

    /// <summary>Bytes read from the (decompressed) input so far.</summary>
    public long Position { get; private set; }

    public sealed record Entry(string Name, char Type, long Size, Stream Data)
    {
        public bool IsRegularFile => Type is '0' or '\0' or '7';
        public bool IsDirectory => Type == '5';
    }

    /// <summary>The next entry, or null at the end-of-archive marker. Skips what the last entry left unread.</summary>
    public Entry? Next()
    {
        if (_end)
        {
            return null;
        }
        Skip(_pendingData + _pendingPadding);
        _pendingData = _pendingPadding = 0;
        string? longName = null;
        string? paxPath = null;
        long? paxSize = null;
        while (true)
        {
            if (!ReadBlock(_header))
            {
                throw new InvalidDataException("the archive ends without an end-of-archive marker (truncated)");
            }
            if (Array.TrueForAll(_header, b => b == 0))
            {
                // The marker is two zero blocks; a lone one at the very end is accepted, as GNU tar does.
                if (ReadBlock(_header) && !Array.TrueForAll(_header, b => b == 0))
                {
                    throw new InvalidDataException("a zero block inside the archive");
                }
                _end = true;
                return null;
            }
            CheckSum(_header);
            var type = (char)_header[156];
            var size = Octal(_header.AsSpan(124, 12), "size");
            switch (type)
            {
                case 'x':
                    {
                        var pax = ReadExtended(size, "PAX header");
                        (paxPath, paxSize) = ParsePax(pax, paxPath, paxSize);
                        continue;
                    }
                case 'g':
                    ReadExtended(size, "global PAX header");
                    continue;
                case 'L':
                    longName = CString(ReadExtended(size, "GNU long name"));
                    continue;
                case 'K':
                    ReadExtended(size, "GNU long link name");
                    continue;
            }
            var name = paxPath ?? longName ?? HeaderName(_header);
            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            {
                throw new InvalidDataException($"an entry name longer than {MaxNameBytes} bytes");
            }
            var dataSize = paxSize ?? size;
            // Only files carry data; a directory or link declaring some is skipped over all the same.
            _pendingData = dataSize;
            _pendingPadding = Padding(dataSize);
            return new Entry(name, type, dataSize, new EntryStream(this));
        }
    }

    /// <summary>Reads what follows the end-of-archive marker: only zero padding may.</summary>
    public void RequireOnlyPaddingAfterEnd(long maxPadding)
    {
        var buf = new byte[Block];
        long seen = 0;
        int n;
        while ((n = _input.Read(buf)) > 0)
        {
            if (buf.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                throw new InvalidDataException("data after the end of the archive");
            }
            seen += n;
            Position += n;
            if (seen > maxPadding)
            {
                throw new InvalidDataException($"more than {maxPadding} bytes of padding after the end of the archive");
            }
        }
    }

    private static long Padding(long size) => (Block - size % Block) % Block;

    private byte[] ReadExtended(long size, string what)
    {
        if (size > MaxExtendedHeader)
        {
            throw new InvalidDataException($"a {what} of {size} bytes (at most {MaxExtendedHeader} are accepted)");
        }
        var data = new byte[size];
        if (!ReadExactly(data))
        {
            throw new InvalidDataException($"the archive ends inside a {what}");
        }
        Skip(Padding(size));
        return data;
    }

    /// <summary>PAX records are "LEN key=value\n"; only path and size matter here, the rest is ignored.</summary>
    private static (string? Path, long? Size) ParsePax(byte[] pax, string? path, long? size)
    {
        var i = 0;
        while (i < pax.Length)
        {
            var space = Array.IndexOf(pax, (byte)' ', i);
            if (space < 0 || !int.TryParse(pax.AsSpan(i, space - i), System.Globalization.NumberStyles.None, null, out var len)
                || len <= space - i + 1 || i + len > pax.Length || pax[i + len - 1] != (byte)'\n')
            {
                throw new InvalidDataException("a malformed PAX header record");
            }
            var record = pax.AsSpan(space + 1, i + len - space - 2);
            var eq = record.IndexOf((byte)'=');
            if (eq < 0)
            {
                throw new InvalidDataException("a PAX header record without '='");
            }
            var key = Encoding.UTF8.GetString(record[..eq]);
            var value = record[(eq + 1)..];
            if (key == "path")
            {
                path = Encoding.UTF8.GetString(value);
            }
            else if (key == "size")
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, null, out var s))
                {
                    throw new InvalidDataException("a PAX size that is not a number");
                }
                size = s;
            }
            i += len;
        }
        return (path, size);
    }

    private static string HeaderName(byte[] h)
    {
        var name = CString(h.AsSpan(0, 100));
        // POSIX ustar ("ustar\0") splits long names into prefix/name; GNU ("ustar  ") uses that space otherwise.
        if (h.AsSpan(257, 6).SequenceEqual("ustar\0"u8))
        {
            var prefix = CString(h.AsSpan(345, 155));
            if (prefix.Length > 0)
            {
                name = prefix + "/" + name;
            }
        }
        return name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    /// <summary>An octal field (NUL or space terminated). Base-256 sizes (over 8 GiB) are refused, not overflowed.</summary>
    private static long Octal(ReadOnlySpan<byte> field, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            throw new InvalidDataException($"a base-256 {what} field (entries over 8 GiB are not accepted)");
        }
        long v = 0;
        var i = 0;
        while (i < field.Length && field[i] == (byte)' ')
        {
            i++;
        }
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
        {
            v = (v << 3) | (long)(field[i] - '0');
        }
        for (; i < field.Length; i++)
        {
            if (field[i] is not (0 or (byte)' '))
            {
                throw new InvalidDataException($"a {what} field that is not octal");
            }
        }
        // A 12-byte field holds at most 12 octal digits (36 bits): no overflow.
        return v;
    }

    private static void CheckSum(byte[] h)
    {
        long expected = Octal(h.AsSpan(148, 8), "checksum");
        long sum = 0;
        for (var i = 0; i < Block; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : h[i];
        }
        if (sum != expected)
        {
            throw new InvalidDataException("a tar header whose checksum does not match (not a tar archive, or damaged)");
        }
    }

    private bool ReadBlock(byte[] block) => ReadExactly(block);

    private bool ReadExactly(Span<byte> buf)
    {
        var got = 0;
        while (got < buf.Length)
        {
            var n = _input.Read(buf[got..]);
            if (n == 0)
            {
                if (got == 0)
                {
                    return false;
                }
                throw new InvalidDataException("the archive ends inside a block (truncated)");
            }
            got += n;
            Position += n;
        }
        return true;
    }

    private void Skip(long count)
    {
        if (count <= 0)
        {
            return;
        }
        var buf = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (count > 0)
            {
                var n = _input.Read(buf, 0, (int)Math.Min(buf.Length, count));
                if (n == 0)
                {
                    throw new InvalidDataException("the archive ends inside an entry (truncated)");
                }
                count -= n;
                Position += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>The current entry's data: never more than its declared size, truncation is an error.</summary>
    private sealed class EntryStream(BundleTarReader owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (owner._pendingData <= 0 || buffer.IsEmpty)
            {
                return 0;
            }
            var n = owner._input.Read(buffer[..(int)Math.Min(buffer.Length, owner._pendingData)]);
            if (n == 0)
            {
                throw new InvalidDataException("the archive ends inside an entry (truncated)");
            }
            owner._pendingData -= n;
            owner.Position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
