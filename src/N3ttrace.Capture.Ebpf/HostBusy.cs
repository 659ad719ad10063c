using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Whether other work keeps this host's CPUs busy: of the CPU time this process left over in the
/// last ~100 ms (/proc/stat minus <see cref="Environment.CpuUsage"/>), others used nearly all.
/// Measured against what we left, not against the whole host: while we drain, others get less and
/// would look idle. /proc/stat is read with pread on a handle kept open, without allocating.
/// </summary>
internal sealed class HostBusy : IHostLoad, IDisposable
{
    private const long WindowMs = 100;
    /// <summary>Others used at least this share of the CPU time we left: the host is busy.</summary>
    private const double BusyShare = 0.9;
    /// <summary>/proc/stat counts in USER_HZ ticks, 100 per second on Linux.</summary>
    private const long TicksPerSecond = 100;

    private readonly SafeFileHandle _stat = File.OpenHandle("/proc/stat");
    private readonly byte[] _buf = new byte[4096];
    private long _lastMs;
    private bool _primed;
    private long _lastTotal;
    private long _lastIdle;
    private long _lastOwn;

    public bool Busy { get; private set; }

    /// <summary>Re-samples when the window has passed; returns <see cref="Busy"/>.</summary>
    public bool Sample()
    {
        var now = Environment.TickCount64;
        if (_primed && now - _lastMs < WindowMs)
        {
            return Busy;
        }
        var own = Environment.CpuUsage.TotalTime.Ticks / (TimeSpan.TicksPerSecond / TicksPerSecond);
        if (!TryReadHost(out var total, out var idle))
        {
            return Busy = false; // unknown: behave as on an idle host (drain at once)
        }
        if (_primed && total > _lastTotal)
        {
            var left = total - _lastTotal - (own - _lastOwn);
            var others = total - _lastTotal - (idle - _lastIdle) - (own - _lastOwn);
            Busy = left <= 0 || (double)others / left >= BusyShare;
        }
        (_lastMs, _lastTotal, _lastIdle, _lastOwn, _primed) = (now, total, idle, own, true);
        return Busy;
    }

    /// <summary>The "cpu" line: user nice system idle iowait irq softirq steal (clock ticks, all CPUs).</summary>
    private bool TryReadHost(out long total, out long idle)
    {
        total = idle = 0;
        var n = RandomAccess.Read(_stat, _buf, 0);
        var s = _buf.AsSpan(0, n);
        if (!s.StartsWith("cpu "u8))
        {
            return false;
        }
        s = s[4..];
        for (var i = 0; i < 8; i++)
        {
            if (!NextNumber(ref s, out var v))
            {
                return i >= 4; // old kernels lack the later columns
            }
            total += v;
            if (i is 3 or 4)
            {
                idle += v;
            }
        }
        return true;
    }

    private static bool NextNumber(ref Span<byte> s, out long value)
    {
        s = s.TrimStart((byte)' ');
        if (!Utf8Parser.TryParse(s, out value, out var used))
        {
            return false;
        }
        s = s[used..];
        return true;
    }

    public void Dispose() => _stat.Dispose();
}
