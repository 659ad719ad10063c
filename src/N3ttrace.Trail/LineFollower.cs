using System.Text;

namespace N3ttrace.Trail;

/// <summary>
/// Reads a growing trail file line by line, like `tail -f`: each call returns the lines completed since the last
/// one; a line still being written stays buffered until its newline arrives. A line over <see cref="MaxLine"/>
/// bytes is dropped and counted (a trail row is far shorter; a bigger one is damage, not data).
/// </summary>
public sealed class LineFollower(Stream stream) : IDisposable
{
    public const int MaxLine = 1 << 20;

    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly MemoryStream _partial = new();
    private bool _skipping;

    public long DroppedLines { get; private set; }

    /// <summary>The first line (the TSV header), or null while the file has none; afterwards reading goes on after it.</summary>
    public string? ReadHeader()
    {
        stream.Position = 0;
        var bytes = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0 && bytes.Count < MaxLine)
        {
            if (b == '\n')
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }
            bytes.Add((byte)b);
        }
        stream.Position = 0;
        return null;
    }

    /// <summary>Skips what the file holds now: only lines written from here on are returned.</summary>
    public void SeekToEnd()
    {
        stream.Seek(0, SeekOrigin.End);
        _partial.SetLength(0);
        // The file may end in a half-written line: the rest of it must not be read as a line of its own.
        _skipping = stream.Length > 0 && LastByte() != (byte)'\n';
    }

    private int LastByte()
    {
        var at = stream.Position;
        stream.Seek(-1, SeekOrigin.End);
        var b = stream.ReadByte();
        stream.Position = at;
        return b;
    }

    public List<string> ReadAvailable()
    {
        var lines = new List<string>();
        int n;
        while ((n = stream.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (_buffer[i] != (byte)'\n')
                {
                    continue;
                }
                if (_skipping)
                {
                    _skipping = false;
                }
                else
                {
                    _partial.Write(_buffer, start, i - start);
                    lines.Add(Encoding.UTF8.GetString(_partial.GetBuffer(), 0, (int)_partial.Length));
                }
                _partial.SetLength(0);
                start = i + 1;
            }
            if (!_skipping)
            {
                _partial.Write(_buffer, start, n - start);
                if (_partial.Length > MaxLine)
                {
                    DroppedLines++;
                    _partial.SetLength(0);
                    _skipping = true;
                }
            }
        }
        return lines;
    }

    public void Dispose()
    {
        _partial.Dispose();
        stream.Dispose();
    }
}
