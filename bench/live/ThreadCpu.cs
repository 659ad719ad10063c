using System.Runtime.InteropServices;

namespace N3ttrace.Bench.Live;

/// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): what one refresh costs the pipeline thread, not wall time on a shared machine.</summary>
internal static partial class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec ts);

    public static double NowMs()
    {
        ClockGetTime(3, out var ts);
        return ts.Sec * 1e3 + ts.Nsec / 1e6;
    }
}
