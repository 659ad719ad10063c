using Microsoft.Extensions.Logging;
using N3ttrace.Interop;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Makes sure a sustained storm can never outrun the consumer. The kernel side costs the
/// connecting task under 2 µs per connection; everything else (decoding, lineage, hashing,
/// writing the trail) can wait in the 64 MiB ring buffer (about 350,000 connections), and does
/// while the host is busy (see <see cref="EbpfSource"/>). Once the ring is a third full, every
/// thread of n3ttrace runs at nice -10 until it is drained again, taking the CPU from the storm
/// rather than losing records; the other two thirds are the margin while it catches up.
/// Not nice 19 while yielding: a garbage collection stops every managed thread until each has
/// reached a safe point, and a starved nice-19 thread can hold that up for seconds, this watcher
/// included (measured: the ring overflowed). Yielding is done by not draining instead.
/// </summary>
internal sealed class BacklogPriority(ILogger log)
{
    public const int NormalNice = 0;
    public const int UrgentNice = -10;
    public const double RaiseAt = 0.33;
    private const double LowerAt = 0.02;

    private bool? _urgent;
    private long _lastApplyMs;

    public int Raised { get; private set; }
    /// <summary>The fullest the ring was seen, as a fraction.</summary>
    public double PeakFill { get; private set; }

    /// <summary>Called with the ring's fill fraction every few ms; re-applies once a second so new threads follow.</summary>
    public void Update(double fill)
    {
        PeakFill = Math.Max(PeakFill, fill);
        var urgent = _urgent == true ? fill > LowerAt : fill >= RaiseAt;
        var now = Environment.TickCount64;
        if (urgent == _urgent && now - _lastApplyMs < 1000)
        {
            return;
        }
        if (urgent && _urgent != true)
        {
            Raised++;
            log.LogDebug("ring buffer {Fill:P0} full: consumer raised to nice {Nice}", fill, UrgentNice);
        }
        _urgent = urgent;
        _lastApplyMs = now;
        Apply(urgent ? UrgentNice : NormalNice);
    }

    /// <summary>Sets every thread of this process (Linux nice is per thread).</summary>
    private void Apply(int nice)
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (uint.TryParse(Path.GetFileName(dir), out var tid))
                {
                    LibC.SetPriority(LibC.PRIO_PROCESS, tid, nice);
                }
            }
        }
        catch (IOException e)
        {
            log.LogDebug("cannot set thread priorities: {Message}", e.Message);
        }
    }
}
