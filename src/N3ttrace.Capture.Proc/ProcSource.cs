using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Proc.Native;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Threading;
using N3ttrace.Time;

namespace N3ttrace.Capture.Proc;

/// <summary>
/// Capture without BPF: /proc (processes) and the kernel's socket table polled every interval,
/// differences turned into the same events the eBPF source posts. What it cannot see is stated,
/// not hidden: a connection that opens and closes between two polls is missed, births are known
/// to within one interval (resolution_ms), and a process that forks, exits and leaves an orphan
/// within one interval leaves that orphan with parent `unknown`.
/// Owns its poll <see cref="BackgroundLoop"/>; <see cref="Stop"/> is the stop path.
/// </summary>
public sealed class ProcSource : ICaptureSource
{
    private readonly ILogger _log;
    private readonly ISocketTable _table;
    private readonly SocketOwners _owners;
    private readonly ProcessPoller _processes;
    private readonly SocketPoller _sockets;
    private BackgroundLoop? _loop;
    private bool _stopped;
    private IEventSink? _sink;
    private long _posted;

    public TimeSpan Interval { get; }
    public PollStats Stats { get; } = new();
    public string Name => "proc";
    public string Description =>
        $"/proc polling every {Interval.TotalMilliseconds:0} ms ({_table.Name}): connections shorter than {Interval.TotalMilliseconds:0} ms can be missed, birth times ±{Interval.TotalMilliseconds:0} ms";

    /// <summary>preferSockDiag null: sock_diag unless N3TTRACE_SOCKET_TABLE=procfs (the benchmark compares both).</summary>
    public ProcSource(TimeSpan interval, ILogger log, string procRoot = "/proc", bool? preferSockDiag = null)
    {
        preferSockDiag ??= Environment.GetEnvironmentVariable("N3TTRACE_SOCKET_TABLE") != "procfs";
        Interval = interval;
        _log = log;
        _table = preferSockDiag.Value ? SockDiagTable.TryOpen(log) as ISocketTable ?? new ProcNetTcpTable(procRoot) : new ProcNetTcpTable(procRoot);
        var reader = new ProcessReader(procRoot);
        _owners = new SocketOwners(procRoot);
        _processes = new ProcessPoller(reader);
        // An unowned socket is looked for until every process was scanned once (see SocketOwners.RestSlices).
        var attempts = SocketOwners.RestSlices + 1;
        _sockets = new SocketPoller(_table, _owners, _processes, reader, (int)Math.Round(interval.TotalMilliseconds), attempts);
    }

    /// <summary>Learns every process and socket present now (those sockets are births before start), then polls on a thread.</summary>
    public void Start(IEventSink sink)
    {
        _sink = sink;
        PollOnce(initial: true);
        _owners.Baseline(_processes.Live);
        _loop = new BackgroundLoop("n3ttrace-procpoll", Loop);
        _loop.Start();
    }

    private void Loop(CancellationToken stopping)
    {
        var intervalMs = (long)Interval.TotalMilliseconds;
        var next = Environment.TickCount64 + intervalMs;
        while (!stopping.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Max(0, next - Environment.TickCount64))))
        {
            PollOnce(initial: false);
            next += intervalMs;
            var now = Environment.TickCount64;
            if (now > next)
            {
                // The cycle overran the interval: count it, and do not try to catch up in a burst.
                Stats.LateCycles++;
                next = now + intervalMs;
            }
        }
    }

    /// <summary>One poll cycle: processes first (so a new connection's process is known), then sockets.</summary>
    internal void PollOnce(bool initial)
    {
        var cpu0 = ThreadCpuClock.NowNs();
        var now = BootClock.NowBootNs();
        _processes.Poll(now, Post, initial);
        var cpu1 = ThreadCpuClock.NowNs();
        _sockets.Poll(now, Post, initial);
        Stats.OnPhases((cpu1 - cpu0) / 1e6, (ThreadCpuClock.NowNs() - cpu1) / 1e6, _sockets.LastRowCount);
        _owners.Prune(_processes.Live);
        Stats.ProcessesSeen = _processes.NewProcesses;
        Stats.SocketsSeen = _sockets.OutboundSeen;
        Stats.Unattributed = _sockets.Unattributed;
        Stats.ExecsCaught = _processes.ExecsCaught;
        Stats.FdScans = _owners.FdScans;
        Stats.RestScans = _owners.RestScans;
        Stats.Rescued = _sockets.Rescued;
        // Unattributed sockets are posted as ownerless connections: the pipeline counts them itself.
        Post(new SourceCounters(now, _posted, 0, 0));
        Stats.OnCycle((ThreadCpuClock.NowNs() - cpu0) / 1e6);
    }

    private void Post(CaptureEvent e)
    {
        _posted++;
        _sink!.Post(e);
    }

    /// <summary>Stops polling after one last cycle, so sockets closed since the previous one get their death.</summary>
    public void Stop()
    {
        if (_loop is null || _stopped)
        {
            return;
        }
        _stopped = true;
        _loop.Stop();
        _loop.Dispose();
        PollOnce(initial: false);
        _log.LogInformation("proc polling: {Stats}", Stats);
    }

    public void Dispose()
    {
        Stop();
        _table.Dispose();
    }
}
