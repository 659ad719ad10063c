namespace N3ttrace.Trail;

/// <summary>Reads a file as raw byte lines (no decoding: a flipped byte must reach the hash as it is on disk).</summary>
public sealed class ByteLineReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buf = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _eof;

    public ByteLineReader(Stream stream) => _stream = stream;

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its '\n' (valid until the next call); terminated is false for a last line with no '\n'.</summary>
    public bool Next(out ReadOnlySpan<byte> line, out bool terminated)
    {
        while (true)
        {
            var i = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (i >= 0)
            {
                line = _buf.AsSpan(_start, i);
                _start += i + 1;
                terminated = true;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                terminated = false;
                if (_end > _start)
                {
                    line = _buf.AsSpan(_start, _end - _start);
                    _start = _end;
                    LineNumber++;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length)
        {
            Array.Resize(ref _buf, _buf.Length * 2);
        }
        var n = _stream.Read(_buf, _end, _buf.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }
        _end += n;
    }

    public void Dispose() => _stream.Dispose();
}
