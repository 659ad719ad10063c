using N3ttrace.Interop;

namespace N3ttrace.Time;

/// <summary>
/// The one place where kernel CLOCK_BOOTTIME nanoseconds become wall-clock UTC.
/// The offset is sampled once at start (the tightest of a few readings) so that all
/// timestamps of a run share it: differences between kernel times stay exact.
/// </summary>
public sealed class BootClock
{
    private readonly long _offsetNs;

    public BootClock()
    {
        var best = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var b1 = NowBootNs();
            var r = NowRealNs();
            var b2 = NowBootNs();
            if (b2 - b1 < best)
            {
                best = b2 - b1;
                _offsetNs = r - (b1 + (b2 - b1) / 2);
            }
        }
    }

    public static long NowBootNs() => Read(LibC.CLOCK_BOOTTIME);

    private static long NowRealNs() => Read(LibC.CLOCK_REALTIME);

    private static long Read(int clock)
    {
        if (LibC.ClockGetTime(clock, out var ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed");
        }
        return ts.Sec * 1_000_000_000 + ts.Nsec;
    }

    /// <summary>Wall-clock UTC of a boot-time instant (100 ns resolution, as DateTime allows).</summary>
    public DateTime ToUtc(long bootNs) => DateTime.UnixEpoch.AddTicks((bootNs + _offsetNs) / 100);

    public long ToBootNs(DateTime utc) => (utc.ToUniversalTime() - DateTime.UnixEpoch).Ticks * 100 - _offsetNs;
}
