using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>sys/resource.h: per-thread scheduling priority.</summary>
public static partial class LibC
{
    public const int PRIO_PROCESS = 0;

    /// <summary>On Linux the "process" of PRIO_PROCESS is a thread: each thread has its own nice value.</summary>
    [LibraryImport(Lib, EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int prio);
}
