using System.Runtime.InteropServices;

namespace N3ttrace.Capture.Ebpf.Native;

/// <summary>mmap of the ring buffer's position pages, and per-thread scheduling.</summary>
internal static unsafe partial class Posix
{
    public const int PROT_READ = 1;
    public const int MAP_SHARED = 1;
    public const int PRIO_PROCESS = 0;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    public static partial int Munmap(nint addr, nuint length);

    /// <summary>On Linux the "process" of PRIO_PROCESS is a thread: each thread has its own nice value.</summary>
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int prio);
}
