using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>sys/mman.h: mapping the ring buffer's position pages.</summary>
public static partial class LibC
{
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport(Lib, EntryPoint = "munmap")]
    public static partial int Munmap(nint addr, nuint length);
}
