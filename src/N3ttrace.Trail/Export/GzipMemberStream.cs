using System.Runtime.InteropServices;
using N3ttrace.Interop;

namespace N3ttrace.Trail.Export;

/// <summary>
/// Decompresses exactly one gzip member and refuses anything after it: a bundle is one member, and
/// bytes appended to it would otherwise ride along unverified. A truncated or corrupt member is an
/// InvalidDataException. Memory is two fixed buffers and zlib's 32 KiB window, whatever the input says.
/// </summary>
public sealed unsafe class GzipMemberStream : Stream
{
    private const int InputSize = 64 * 1024;
    private readonly Stream _input;
    private readonly SafeInflateHandle _z;
    private readonly byte* _in;
    private bool _inputEof;
    private bool _ended;

    public GzipMemberStream(Stream input)
    {
        _input = input;
        _z = SafeInflateHandle.CreateGzip();
        _in = (byte*)NativeMemory.Alloc(InputSize);
    }

    /// <summary>Compressed bytes read from the input.</summary>
    public long CompressedRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }
        var z = _z.Stream;
        fixed (byte* outp = buffer)
        {
            z->NextOut = outp;
            z->AvailOut = (uint)buffer.Length;
            while (true)
            {
                if (z->AvailIn == 0 && !_inputEof)
                {
                    var n = _input.Read(new Span<byte>(_in, InputSize));
                    CompressedRead += n;
                    _inputEof = n == 0;
                    z->NextIn = _in;
                    z->AvailIn = (uint)n;
                }
                var rc = ZLib.Inflate(z, ZLib.Z_NO_FLUSH);
                var produced = buffer.Length - (int)z->AvailOut;
                if (rc == ZLib.Z_STREAM_END)
                {
                    _ended = true;
                    RequireNothingAfter(z->AvailIn);
                    return produced;
                }
                if (rc == ZLib.Z_BUF_ERROR && _inputEof && produced == 0)
                {
                    throw new InvalidDataException("the gzip stream is truncated");
                }
                if (rc is not (ZLib.Z_OK or ZLib.Z_BUF_ERROR))
                {
                    var msg = z->Msg != 0 ? Marshal.PtrToStringUTF8(z->Msg) : null;
                    throw new InvalidDataException($"not a valid gzip stream ({msg ?? $"zlib error {rc}"})");
                }
                if (produced > 0)
                {
                    return produced;
                }
            }
        }
    }

    private void RequireNothingAfter(uint unconsumed)
    {
        Span<byte> probe = stackalloc byte[1];
        if (unconsumed > 0 || (!_inputEof && _input.Read(probe) > 0))
        {
            throw new InvalidDataException("data after the end of the gzip stream (appended to the bundle)");
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _z.Dispose();
            NativeMemory.Free(_in);
        }
        base.Dispose(disposing);
    }
}
