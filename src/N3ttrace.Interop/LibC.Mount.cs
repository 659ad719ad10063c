using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>sys/mount.h: mount(2), for the BPF file system the kernel side is pinned in.</summary>
public static partial class LibC
{
    public const int MS_NOSUID = 2;
    public const int MS_NODEV = 4;
    public const int MS_NOEXEC = 8;

    [LibraryImport(Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string fsType, ulong flags, string? data);
}
