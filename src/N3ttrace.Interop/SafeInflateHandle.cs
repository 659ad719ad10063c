using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>A zlib inflate state in native memory (zlib keeps pointers into it, so it must not move).</summary>
public sealed unsafe class SafeInflateHandle : SafeHandle
{
    private SafeInflateHandle() : base(0, ownsHandle: true)
    {
    }

    public ZLib.ZStream* Stream => (ZLib.ZStream*)handle;

    public override bool IsInvalid => handle == 0;

    public static SafeInflateHandle CreateGzip()
    {
        var h = new SafeInflateHandle();
        var z = (ZLib.ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZLib.ZStream));
        var rc = ZLib.InflateInit2(z, ZLib.GzipOnly, ZLib.Version, sizeof(ZLib.ZStream));
        if (rc != ZLib.Z_OK)
        {
            NativeMemory.Free(z);
            throw new InvalidOperationException($"zlib inflateInit2 failed ({rc})");
        }
        h.SetHandle((nint)z);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        ZLib.InflateEnd((ZLib.ZStream*)handle);
        NativeMemory.Free((void*)handle);
        return true;
    }
}
