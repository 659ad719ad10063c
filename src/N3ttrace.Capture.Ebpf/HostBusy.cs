using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Whether other work keeps this host's CPUs busy: of the CPU time this process left over in the
/// last ~100 ms (/proc/stat minus /proc/self/stat), others used nearly all. Measured against what
/// we left, not against the whole host: while we drain, others get less and would look idle.
/// Read with pread on handles kept open, no allocation: it runs every few milliseconds.
/// </summary>
internal sealed class HostBusy : IDisposable
{
    private const long WindowMs = 100;
    /// <summary>Others used at least this share of the CPU time we left: the host is busy.</summary>
    private const double BusyShare = 0.9;

    private readonly SafeFileHandle _stat = File.OpenHandle("/proc/stat");
    private readonly SafeFileHandle _self = File.OpenHandle("/proc/self/stat");
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
        if (!TryReadHost(out var total, out var idle) || !TryReadOwn(out var own))
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

    /// <summary>utime + stime, fields 14 and 15 of /proc/self/stat (after the comm in parentheses).</summary>
    private bool TryReadOwn(out long ticks)
    {
        ticks = 0;
        var n = RandomAccess.Read(_self, _buf, 0);
        var s = _buf.AsSpan(0, n);
        var close = s.LastIndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }
        s = s[(close + 1)..];
        for (var field = 3; field <= 15; field++)
        {
            if (!NextToken(ref s, out var token))
            {
                return false;
            }
            if (field >= 14)
            {
                if (!Utf8Parser.TryParse(token, out long v, out _))
                {
                    return false;
                }
                ticks += v;
            }
        }
        return true;
    }

    private static bool NextNumber(ref Span<byte> s, out long value)
    {
        value = 0;
        return NextToken(ref s, out var token) && Utf8Parser.TryParse(token, out value, out _);
    }

    private static bool NextToken(ref Span<byte> s, out ReadOnlySpan<byte> token)
    {
        var start = 0;
        while (start < s.Length && s[start] == (byte)' ')
        {
            start++;
        }
        var end = start;
        while (end < s.Length && s[end] is >= (byte)'!' and <= (byte)'~')
        {
            end++;
        }
        token = s[start..end];
        s = s[end..];
        return token.Length > 0;
    }

    public void Dispose()
    {
        _stat.Dispose();
        _self.Dispose();
    }
}
