using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>
/// Turns successive socket listings into connection events. Each socket (keyed by inode) is
/// classified once, at first sight (<see cref="ProcNetTcp.IsActiveOpen"/>); only active opens
/// are followed and only their inodes are looked up in /proc/PID/fd. A followed socket is
/// born when first seen established and dies when it leaves the table. Nothing seen is dropped:
/// a socket whose owner is gone is still recorded, without process context.
/// </summary>
/// <param name="ownerAttempts">Cycles an owner is looked for before the socket is recorded without one.</param>
internal sealed class SocketPoller(ISocketTable table, SocketOwners owners, ProcessPoller processes, ProcessReader reader, int resolutionMs, int ownerAttempts = 3)
{
    private sealed class Followed(SocketEndpoints endpoints, long firstSeenNs, bool beforeStart, uint uid, int ownerAttempts)
    {
        public SocketEndpoints Endpoints { get; } = endpoints;
        public long FirstSeenNs { get; } = firstSeenNs;
        public bool BeforeStart { get; } = beforeStart;
        public uint Uid { get; } = uid;
        public SocketOwner? Owner { get; set; }
        /// <summary>0 once the owner is settled (found, or given up on).</summary>
        public int OwnerAttemptsLeft { get; set; } = ownerAttempts;
        public bool Established { get; set; }
        public bool Opened { get; set; }
    }

    private readonly Dictionary<ulong, Followed> _followed = [];
    private readonly HashSet<ulong> _ignored = [];
    private readonly HashSet<ulong> _present = [];
    private readonly List<TcpSocketRow> _rows = [];
    private readonly List<ulong> _unowned = [];
    private readonly List<TcpSocketRow> _recheck = [];

    /// <summary>Followed sockets a listing skipped that the confirming re-read found (a death not recorded falsely).</summary>
    public long Rescued { get; private set; }

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
        _unowned.Clear();
        foreach (var r in _rows)
        {
            if (r.Inode == 0 || !_present.Add(r.Inode))
            {
                continue;
            }
            if (!_followed.TryGetValue(r.Inode, out var f))
            {
                if (_ignored.Contains(r.Inode))
                {
                    continue;
                }
                if (!ProcNetTcp.IsActiveOpen(r, listening))
                {
                    _ignored.Add(r.Inode);
                    continue;
                }
                OutboundSeen++;
                f = new Followed(new SocketEndpoints(r.Local, r.LocalPort, r.Remote, r.RemotePort), nowNs, initial, r.Uid, ownerAttempts);
                _followed[r.Inode] = f;
            }
            f.Established |= ProcNetTcp.WasEstablished(r.State);
            if (f.OwnerAttemptsLeft > 0)
            {
                _unowned.Add(r.Inode);
            }
        }
        if (_unowned.Count > 0)
        {
            FindOwners(nowNs, post);
        }
        ConfirmMissing();
        List<ulong>? gone = null;
        foreach (var (inode, f) in _followed)
        {
            if (_present.Contains(inode))
            {
                if (!f.Opened && f.Established && f.OwnerAttemptsLeft == 0)
                {
                    Open(inode, f, nowNs, post);
                }
                continue;
            }
            (gone ??= []).Add(inode);
            if (f.OwnerAttemptsLeft > 0)
            {
                Unattributed++; // gone before its owner was found: recorded without one, never dropped
            }
            if (f.Established && !f.Opened)
            {
                Open(inode, f, nowNs, post);
            }
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

    /// <summary>
    /// Neither /proc/net/tcp nor a sock_diag dump is a snapshot: both are read in chunks that resume
    /// by position, so under churn a live socket can be skipped. Before a followed socket is
    /// declared dead it is looked up exactly (sock_diag) or the table is read once more (/proc/net/tcp).
    /// </summary>
    private void ConfirmMissing()
    {
        List<(ulong, Followed)>? missing = null;
        foreach (var (inode, f) in _followed)
        {
            if (!_present.Contains(inode))
            {
                (missing ??= []).Add((inode, f));
            }
        }
        if (missing is null)
        {
            return;
        }
        var reread = false;
        foreach (var (inode, f) in missing)
        {
            switch (table.Exists(f.Endpoints, inode))
            {
                case true:
                    _present.Add(inode);
                    Rescued++;
                    break;
                case null:
                    reread = true;
                    break;
            }
        }
        if (!reread)
        {
            return;
        }
        _recheck.Clear();
        table.ReadInto(_recheck);
        foreach (var r in _recheck)
        {
            if (r.Inode != 0 && _followed.ContainsKey(r.Inode) && _present.Add(r.Inode))
            {
                Rescued++;
            }
        }
    }

    /// <summary>
    /// Owners for sockets not attributed yet. One not found is looked for again in the next cycles
    /// (its process may be one whose fds the cheap passes skipped) before it is recorded without one.
    /// </summary>
    private void FindOwners(long nowNs, Action<CaptureEvent> post)
    {
        var found = owners.Resolve(_unowned, processes.Live);
        var refreshed = new HashSet<int>();
        foreach (var inode in _unowned)
        {
            var f = _followed[inode];
            if (found.TryGetValue(inode, out var o) && ProcStat.TryRead(reader.ProcRoot, o.Pid, out var st) && st.StartTicks == o.StartTicks)
            {
                if (refreshed.Add(o.Pid))
                {
                    processes.RefreshIfExeced(o.Pid, nowNs, post);
                }
                f.Owner = new SocketOwner(new ProcessKey(o.Pid, o.StartTicks), o.Pid, f.Uid, st.Comm);
                f.OwnerAttemptsLeft = 0;
            }
            else if (--f.OwnerAttemptsLeft == 0)
            {
                Unattributed++;
            }
        }
    }

    private void Open(ulong inode, Followed f, long nowNs, Action<CaptureEvent> post)
    {
        f.Opened = true;
        // Birth is when polling first saw it (SYN_SENT or established), to within one interval.
        post(new ConnectionOpened(f.FirstSeenNs, inode, f.Endpoints, f.Owner, nowNs, f.BeforeStart, resolutionMs));
    }
}
