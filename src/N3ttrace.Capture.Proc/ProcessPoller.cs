using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>
/// Infers fork, exec and exit from successive listings of /proc, so the pipeline's process
/// table is fed the same events as in eBPF mode. A pid seen for the first time is stat'ed once;
/// processes already known cost nothing per cycle (a pid cannot be reused before pid_max
/// wraps, far longer than one interval).
///
/// A new process whose parent is alive is posted while that parent is still its parent:
/// ProcessForked when it runs its parent's image (fork without exec), else ProcessExeced with
/// its context read now. A new process already re-parented to init (a daemon whose launcher
/// exited within the interval) is not posted: the table reads it from /proc on first use and,
/// like for any process that predates capture, says `unknown` unless it is a session leader.
/// </summary>
internal sealed class ProcessPoller(ProcessReader reader)
{
    private sealed class Entry(ulong startTicks)
    {
        public ulong StartTicks { get; } = startTicks;
        public ProcessKey? ParentKey { get; set; }
        public ExecImage? Image { get; set; }
    }

    private readonly Dictionary<int, Entry> _procs = [];
    private readonly Dictionary<int, ulong> _live = [];
    private readonly HashSet<int> _seen = [];
    private readonly List<ProcStat> _new = [];

    /// <summary>pid to start ticks of every process alive at the last poll.</summary>
    public IReadOnlyDictionary<int, ulong> Live => _live;

    public long NewProcesses { get; private set; }
    public long ExecsCaught { get; private set; }

    /// <summary>
    /// One listing. The first one only learns what exists (the table seeds those from /proc itself);
    /// later ones post events for what changed.
    /// </summary>
    public void Poll(long nowNs, Action<CaptureEvent> post, bool initial)
    {
        _seen.Clear();
        _new.Clear();
        foreach (var pid in SocketOwners.EnumeratePids(reader.ProcRoot))
        {
            if (pid <= 0)
            {
                continue;
            }
            _seen.Add(pid);
            if (!_procs.ContainsKey(pid) && ProcStat.TryRead(reader.ProcRoot, pid, out var st))
            {
                _new.Add(st);
            }
        }
        // Parents before children: a parent born in the same interval is posted first.
        _new.Sort((a, b) => a.StartTicks != b.StartTicks ? a.StartTicks.CompareTo(b.StartTicks) : a.Pid.CompareTo(b.Pid));
        foreach (var st in _new)
        {
            var entry = new Entry(st.StartTicks);
            _procs[st.Pid] = entry;
            _live[st.Pid] = st.StartTicks;
            if (!initial)
            {
                NewProcesses++;
                PostBirth(st, entry, nowNs, post);
            }
        }
        if (_procs.Count == _seen.Count)
        {
            return;
        }
        List<int>? gone = null;
        foreach (var (pid, e) in _procs)
        {
            if (!_seen.Contains(pid))
            {
                (gone ??= []).Add(pid);
                post(new ProcessExited(nowNs, new ProcessKey(pid, e.StartTicks)));
            }
        }
        foreach (var pid in gone ?? [])
        {
            _procs.Remove(pid);
            _live.Remove(pid);
        }
    }

    private void PostBirth(ProcStat st, Entry entry, long nowNs, Action<CaptureEvent> post)
    {
        if (ProcessIdentity.IsRoot(st.PPid))
        {
            return; // init's child or re-parented already: the table decides from /proc (see class comment)
        }
        ulong parentStart;
        if (_procs.TryGetValue(st.PPid, out var parent))
        {
            parentStart = parent.StartTicks;
        }
        else if (ProcStat.TryRead(reader.ProcRoot, st.PPid, out var pst))
        {
            parentStart = pst.StartTicks;
        }
        else
        {
            return;
        }
        var key = new ProcessKey(st.Pid, st.StartTicks);
        var parentKey = new ProcessKey(st.PPid, parentStart);
        entry.ParentKey = parentKey;
        var image = reader.TryReadImage(st.Pid);
        if (image is null)
        {
            return; // gone already
        }
        var parentImage = parent?.Image ?? reader.TryReadImage(st.PPid);
        if (parent is not null)
        {
            parent.Image = parentImage;
        }
        entry.Image = image;
        if (image.SameAs(parentImage))
        {
            post(new ProcessForked(nowNs, parentKey, key, st.Comm));
            return;
        }
        var ctx = reader.TryRead(st.Pid, st.StartTicks, out _);
        if (ctx is not null)
        {
            post(new ProcessExeced(nowNs, key, parentKey, ctx));
        }
    }

    /// <summary>
    /// Called before a connection of pid is posted: if the process exec'd after it was first
    /// seen (caught between fork and exec), its new context is posted first.
    /// </summary>
    public void RefreshIfExeced(int pid, long nowNs, Action<CaptureEvent> post)
    {
        if (!_procs.TryGetValue(pid, out var e) || e.Image is null || e.ParentKey is not { } parentKey)
        {
            return;
        }
        var now = reader.TryReadImage(pid);
        if (now is null || now.SameAs(e.Image))
        {
            return;
        }
        var ctx = reader.TryRead(pid, e.StartTicks, out _);
        if (ctx is null)
        {
            return;
        }
        ExecsCaught++;
        e.Image = now;
        post(new ProcessExeced(nowNs, new ProcessKey(pid, e.StartTicks), parentKey, ctx));
    }
}
