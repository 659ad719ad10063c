using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>
/// zlib's inflate, for the one thing GZipStream cannot tell: where a gzip member ends in its input
/// (GZipStream reads ahead and silently drops whatever follows). Linux-only, like the rest.
/// </summary>
public static partial class ZLib
{
    private const string Lib = "libz.so.1";

    public const int Z_OK = 0;
    public const int Z_STREAM_END = 1;
    public const int Z_NEED_DICT = 2;
    public const int Z_BUF_ERROR = -5;
    public const int Z_NO_FLUSH = 0;
    /// <summary>windowBits for inflateInit2: a 32 KiB window, gzip wrapper only.</summary>
    public const int GzipOnly = 15 + 16;
    /// <summary>zlib compares only the major version of the caller's header.</summary>
    public const string Version = "1.2.11";

    /// <summary>struct z_stream (uLong is C's unsigned long, hence CULong).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }

    [LibraryImport(Lib, EntryPoint = "inflateInit2_", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int InflateInit2(ZStream* strm, int windowBits, string version, int streamSize);

    [LibraryImport(Lib, EntryPoint = "inflate")]
    public static unsafe partial int Inflate(ZStream* strm, int flush);

    [LibraryImport(Lib, EntryPoint = "inflateEnd")]
    public static unsafe partial int InflateEnd(ZStream* strm);
}
