using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Time;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Outbound connections already open when capture starts: recorded with their birth marked
/// unknown-before-start, keyed by socket inode, and watched in /proc until they close
/// (the kernel side only knows sockets whose connect() it saw).
/// </summary>
public sealed class ExistingConnections(string procRoot = "/proc")
{
    private readonly SocketOwners _owners = new(procRoot);
    private readonly SocketInodeScan _scan = new(procRoot);
    private readonly HashSet<ulong> _present = [];
    private HashSet<ulong> _open = [];

    public int Count => _open.Count;

    /// <summary>Posts one ConnectionOpened per outbound socket open now.</summary>
    public void Enumerate(IEventSink sink)
    {
        var now = BootClock.NowBootNs();
        var rows = ProcNetTcp.Outbound(ProcNetTcp.Read(procRoot)).ToList();
        var owners = _owners.Resolve(rows.Select(r => r.Inode).ToList());
        foreach (var r in rows)
        {
            SocketOwner? owner = null;
            if (owners.TryGetValue(r.Inode, out var o) && ProcStat.TryRead(procRoot, o.Pid, out var st))
            {
                owner = new SocketOwner(new ProcessKey(o.Pid, o.StartTicks), o.Pid, r.Uid, st.Comm);
            }
            sink.Post(new ConnectionOpened(now, r.Inode, new SocketEndpoints(r.Local, r.LocalPort, r.Remote, r.RemotePort),
                owner, now, BirthBeforeStart: true, ResolutionMs: 0));
            _open.Add(r.Inode);
        }
    }

    /// <summary>Posts ConnectionClosed for watched sockets that are gone. Returns false when none are left to watch.</summary>
    public bool Poll(IEventSink sink)
    {
        if (_open.Count == 0)
        {
            return false;
        }
        var now = BootClock.NowBootNs();
        _scan.Collect(_present);
        var present = _present;
        var still = new HashSet<ulong>();
        foreach (var inode in _open)
        {
            if (present.Contains(inode))
            {
                still.Add(inode);
            }
            else
            {
                sink.Post(new ConnectionClosed(now, inode, 0, 0));
            }
        }
        _open = still;
        return _open.Count > 0;
    }
}
