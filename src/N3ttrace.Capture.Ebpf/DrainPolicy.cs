namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// When the ring buffer is drained: the host's work goes first, ours after, while the ring has room.
/// In: the clock, the bytes the kernel has produced so far (their rate tells a burst), the ring's fill
/// and whether the host is busy. Out: drain now, or wait for the next turn. During a burst records
/// wait until it ends; while other work keeps the CPUs busy they wait a second at most; a ring filled
/// to <see cref="BacklogPriority.RaiseAt"/> is drained at once (and BacklogPriority raises our priority).
/// No I/O and no clock of its own, so tests drive it with traces; <see cref="EbpfSource"/> does the draining.
/// </summary>
internal sealed class DrainPolicy
{
    /// <summary>One turn of the drain loop.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
    /// <summary>The longest a busy host defers the drain.</summary>
    public const long MaxDeferMs = 1000;
    /// <summary>Records arriving this fast (about 30,000 connections a second) are a burst: drained after it.</summary>
    public const long BurstBytesPerSecond = 6 << 20;

    private readonly IHostLoad _host;
    private long _lastMs;
    private long _lastProduced;
    private long _lastDrainMs;
    private bool _burst;

    public DrainPolicy(IHostLoad host, long nowMs, long produced)
    {
        _host = host;
        (_lastMs, _lastProduced, _lastDrainMs) = (nowMs, produced, nowMs);
    }

    /// <summary>Times the drain waited the longest it may (a second) because the host was busy.</summary>
    public long Deferred { get; private set; }

    /// <summary>Whether the last rate measured was a burst.</summary>
    public bool Burst => _burst;

    /// <summary>One turn: true to drain now (the caller then consumes the ring), false to wait.</summary>
    public bool ShouldDrain(long nowMs, long produced, double fill)
    {
        if (nowMs - _lastMs >= Interval.TotalMilliseconds)
        {
            _burst = (produced - _lastProduced) * 1000 / (nowMs - _lastMs) >= BurstBytesPerSecond;
            (_lastMs, _lastProduced) = (nowMs, produced);
        }
        // The host is sampled only when nothing else decides: a burst or a ring filling up must not cost a /proc read.
        if (fill >= BacklogPriority.RaiseAt || (!_burst && (nowMs - _lastDrainMs >= MaxDeferMs || !_host.Sample())))
        {
            if (nowMs - _lastDrainMs >= MaxDeferMs && _host.Busy)
            {
                Deferred++;
            }
            _lastDrainMs = nowMs;
            return true;
        }
        return false;
    }
}
