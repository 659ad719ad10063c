using System.Runtime.InteropServices;

namespace N3ttrace.Capture.Proc.Native;

/// <summary>
/// CPU time of the calling thread (user + system). The kernel's work of generating /proc
/// files is charged to the reader, so this is the full cost of a poll cycle.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int CLOCK_THREAD_CPUTIME_ID = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec ts);

    public static long NowNs() => ClockGetTime(CLOCK_THREAD_CPUTIME_ID, out var ts) == 0 ? ts.Sec * 1_000_000_000 + ts.Nsec : 0;
}
