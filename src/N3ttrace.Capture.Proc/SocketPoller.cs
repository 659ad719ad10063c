using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>
/// Turns successive socket listings into connection events. Each socket (keyed by inode) is
/// classified once, at first sight (<see cref="ProcNetTcp.IsActiveOpen"/>); only active opens
/// are followed and only their inodes are looked up in /proc/PID/fd. A followed socket is
/// born when first seen established and dies when it leaves the table. Nothing seen is dropped:
/// a socket whose owner is gone is still recorded, without process context.
/// </summary>
internal sealed class SocketPoller(ISocketTable table, SocketOwners owners, ProcessPoller processes, ProcessReader reader, int resolutionMs)
{
    private sealed class Followed(SocketEndpoints endpoints, SocketOwner? owner, long firstSeenNs, bool beforeStart)
    {
        public SocketEndpoints Endpoints { get; } = endpoints;
        public SocketOwner? Owner { get; } = owner;
        public long FirstSeenNs { get; } = firstSeenNs;
        public bool BeforeStart { get; } = beforeStart;
        public bool Opened { get; set; }
    }

    private readonly Dictionary<ulong, Followed> _followed = [];
    private readonly HashSet<ulong> _ignored = [];
    private readonly HashSet<ulong> _present = [];
    private readonly List<TcpSocketRow> _rows = [];
    private readonly List<TcpSocketRow> _new = [];
    private readonly List<ulong> _inodes = [];

    public int FollowedCount => _followed.Count;
    public long OutboundSeen { get; private set; }
    public long Unattributed { get; private set; }
    public int LastRowCount => _rows.Count;

    public void Poll(long nowNs, Action<CaptureEvent> post, bool initial)
    {
        _rows.Clear();
        table.ReadInto(_rows);
        var listening = ProcNetTcp.ListeningPorts(_rows);
        _present.Clear();
        _new.Clear();
        foreach (var r in _rows)
        {
            if (r.Inode == 0 || !_present.Add(r.Inode))
            {
                continue;
            }
            if (_followed.TryGetValue(r.Inode, out var f))
            {
                if (!f.Opened && ProcNetTcp.WasEstablished(r.State))
                {
                    Open(r.Inode, f, nowNs, post);
                }
            }
            else if (!_ignored.Contains(r.Inode))
            {
                if (ProcNetTcp.IsActiveOpen(r, listening))
                {
                    _new.Add(r);
                }
                else
                {
                    _ignored.Add(r.Inode);
                }
            }
        }
        if (_new.Count > 0)
        {
            FollowNew(nowNs, post, initial);
        }
        List<ulong>? gone = null;
        foreach (var (inode, f) in _followed)
        {
            if (_present.Contains(inode))
            {
                continue;
            }
            (gone ??= []).Add(inode);
            // Seen only in SYN_SENT: the handshake was never seen completing, recorded as a failed connect.
            post(f.Opened
                ? new ConnectionClosed(nowNs, inode, 0, 0)
                : new ConnectionFailed(nowNs, inode, f.Endpoints, f.Owner, f.FirstSeenNs));
        }
        foreach (var inode in gone ?? [])
        {
            _followed.Remove(inode);
            owners.Forget(inode);
        }
        if (_ignored.Count > _present.Count)
        {
            _ignored.RemoveWhere(i => !_present.Contains(i));
        }
    }

    private void FollowNew(long nowNs, Action<CaptureEvent> post, bool initial)
    {
        _inodes.Clear();
        foreach (var r in _new)
        {
            _inodes.Add(r.Inode);
        }
        var found = owners.Resolve(_inodes, processes.Live);
        var refreshed = new HashSet<int>();
        foreach (var r in _new)
        {
            OutboundSeen++;
            SocketOwner? owner = null;
            if (found.TryGetValue(r.Inode, out var o) && ProcStat.TryRead(reader.ProcRoot, o.Pid, out var st) && st.StartTicks == o.StartTicks)
            {
                if (refreshed.Add(o.Pid))
                {
                    processes.RefreshIfExeced(o.Pid, nowNs, post);
                }
                owner = new SocketOwner(new ProcessKey(o.Pid, o.StartTicks), o.Pid, r.Uid, st.Comm);
            }
            else
            {
                Unattributed++;
            }
            var f = new Followed(new SocketEndpoints(r.Local, r.LocalPort, r.Remote, r.RemotePort), owner, nowNs, initial);
            _followed[r.Inode] = f;
            if (ProcNetTcp.WasEstablished(r.State))
            {
                Open(r.Inode, f, nowNs, post);
            }
        }
    }

    private void Open(ulong inode, Followed f, long nowNs, Action<CaptureEvent> post)
    {
        f.Opened = true;
        // Birth is when polling first saw it (f.FirstSeenNs: SYN_SENT or established), to within one interval.
        post(new ConnectionOpened(f.FirstSeenNs, inode, f.Endpoints, f.Owner, nowNs, f.BeforeStart, resolutionMs));
    }
}
