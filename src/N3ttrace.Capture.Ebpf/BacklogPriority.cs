using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Ebpf.Native;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Lets the host's own work run first while nothing can be lost. The kernel side costs the
/// connecting task under 2 µs per connection; everything else (decoding, lineage, hashing,
/// writing the trail) can wait in the 64 MiB ring buffer. So n3ttrace's threads run as
/// SCHED_IDLE (only on CPU time nothing else wants) while the backlog is small, and as normal
/// threads at nice -10 once the ring is half full, until it is drained again: a burst (the ring
/// holds about 230,000 connections) costs the workload little, and a sustained storm can never
/// outrun the consumer (the other half is the margin while it speeds up).
/// </summary>
internal sealed class BacklogPriority(ILogger log)
{
    public const int UrgentNice = -10;
    public const double RaiseAt = 0.5;
    private const double LowerAt = 0.02;

    private bool? _urgent;
    private long _lastApplyMs;
    private uint _watcher;

    public int Raised { get; private set; }
    /// <summary>The fullest the ring was seen, as a fraction.</summary>
    public double PeakFill { get; private set; }

    /// <summary>
    /// Called on the watching thread with the ring's fill fraction every few ms; re-applies once a
    /// second so new threads follow. The watching thread itself always runs at nice -10: idle, it
    /// could be starved for seconds while a storm fills the ring, and nobody would raise the rest.
    /// </summary>
    public void Update(double fill)
    {
        if (_watcher == 0)
        {
            _watcher = (uint)Posix.GetTid();
            Posix.SetPriority(Posix.PRIO_PROCESS, _watcher, UrgentNice);
        }
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
        Apply(urgent);
    }

    /// <summary>Sets every thread of this process (Linux scheduling policy and nice are per thread).</summary>
    private unsafe void Apply(bool urgent)
    {
        var param = 0; // struct sched_param { int sched_priority; }: 0 for both policies
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (uint.TryParse(Path.GetFileName(dir), out var tid) && tid != _watcher)
                {
                    Posix.SchedSetScheduler(tid, urgent ? Posix.SCHED_OTHER : Posix.SCHED_IDLE, &param);
                    if (urgent)
                    {
                        Posix.SetPriority(Posix.PRIO_PROCESS, tid, UrgentNice);
                    }
                }
            }
        }
        catch (IOException e)
        {
            log.LogDebug("cannot set thread priorities: {Message}", e.Message);
        }
    }
}
