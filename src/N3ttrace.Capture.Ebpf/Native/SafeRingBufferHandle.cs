using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Capture.Ebpf.Native;

internal sealed class SafeRingBufferHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeRingBufferHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        Libbpf.RingBufferFree(handle);
        return true;
    }
}
