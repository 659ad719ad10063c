using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Capture.Ebpf.Native;

internal sealed class SafeBpfObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeBpfObjectHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        Libbpf.ObjectClose(handle);
        return true;
    }
}
