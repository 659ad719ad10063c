using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Capture.Ebpf.Native;

internal sealed class SafeBpfLinkHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeBpfLinkHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle() => Libbpf.LinkDestroy(handle) == 0;
}
