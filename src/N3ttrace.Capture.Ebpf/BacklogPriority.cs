using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Lets the host's own work run first while nothing can be lost. The kernel side costs the
/// connecting task ~2 µs per connection; everything else (decoding, lineage, hashing, writing
/// the trail) can wait in the 64 MiB ring buffer. So n3ttrace's threads run at nice 19 while the
/// backlog is small, and at nice -10 once the ring is a third full, until it is drained again:
/// a burst costs the workload little, and a sustained storm can never outrun the consumer.
/// </summary>
internal sealed class BacklogPriority(ILogger log)
{
    public const int Yielding = 19;
    public const int Urgent = -10;
    private const double RaiseAt = 0.33;
    private const double LowerAt = 0.02;

    private int _current = int.MinValue;
    private long _lastApplyMs;

    public int Raised { get; private set; }

    /// <summary>Called by the drain loop with the ring's fill fraction; re-applies once a second so new threads follow.</summary>
    public void Update(double fill)
    {
        var wanted = _current == Urgent ? (fill > LowerAt ? Urgent : Yielding) : (fill >= RaiseAt ? Urgent : Yielding);
        var now = Environment.TickCount64;
        if (wanted == _current && now - _lastApplyMs < 1000)
        {
            return;
        }
        if (wanted == Urgent && _current != Urgent)
        {
            Raised++;
            log.LogDebug("ring buffer {Fill:P0} full: consumer priority raised to nice {Nice}", fill, Urgent);
        }
        _current = wanted;
        _lastApplyMs = now;
        Apply(wanted);
    }

    /// <summary>Sets the nice value of every thread of this process (Linux nice is per thread).</summary>
    private void Apply(int nice)
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (uint.TryParse(Path.GetFileName(dir), out var tid))
                {
                    Posix.SetPriority(Posix.PRIO_PROCESS, tid, nice);
                }
            }
        }
        catch (IOException e)
        {
            log.LogDebug("cannot set thread priorities: {Message}", e.Message);
        }
    }
}
