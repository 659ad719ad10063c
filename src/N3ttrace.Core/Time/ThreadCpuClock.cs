using N3ttrace.Interop;

namespace N3ttrace.Time;

/// <summary>
/// CPU time of the calling thread (user + system): what a piece of work cost, not wall time on a
/// shared machine. The kernel's work of generating /proc files is charged to the reader too.
/// </summary>
public static class ThreadCpuClock
{
    public static long NowNs() => LibC.ClockGetTime(LibC.CLOCK_THREAD_CPUTIME_ID, out var ts) == 0 ? ts.Sec * 1_000_000_000 + ts.Nsec : 0;
}
