using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>time.h</summary>
public static partial class LibC
{
    public const int CLOCK_REALTIME = 0;
    public const int CLOCK_THREAD_CPUTIME_ID = 3;
    public const int CLOCK_BOOTTIME = 7;

    /// <summary>struct timespec (64-bit time_t and long on both architectures).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, out Timespec ts);
}
