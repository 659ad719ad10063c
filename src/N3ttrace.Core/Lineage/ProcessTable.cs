namespace N3ttrace.Lineage;

/// <summary>
/// Every process n3ttrace knows, fed by fork/exec/exit events and seeded from /proc.
/// It keeps each process's original parent, so a daemon re-parented to init still
/// points back to what launched it. Exited processes leave after a grace period
/// (late events may still name them); their descendants keep their ancestry because
/// it is computed once, at birth.
/// </summary>
public sealed class ProcessTable(ProcessIdentity identity, IProcessReader reader)
{
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(30);

    private readonly Dictionary<ProcessKey, ProcessNode> _nodes = [];
    private readonly Dictionary<int, ProcessNode> _byTgid = [];
    private readonly Queue<(long ExitNs, ProcessKey Key)> _exited = new();
    private readonly StringPool _strings = new();
    private int _highWater;

    public ProcessIdentity Identity { get; } = identity;
    /// <summary>Who holds each pipe, FIFO and socket on stdio: the other end of a shell's pipe.</summary>
    public StdioPeers Peers { get; } = new();
    public int Count => _nodes.Count;
    public long ProcReads { get; private set; }

    /// <summary>The reader this table was given; the pipeline re-reads through it, never through a second one.</summary>
    public IProcessReader Reader => reader;

    /// <summary>Loads every running process, parents before children.</summary>
    public void SeedFromProc()
    {
        var stats = new List<ProcStat>();
        foreach (var pid in reader.EnumeratePids())
        {
            if (reader.TryReadStat(pid, out var st))
            {
                stats.Add(st);
            }
        }
        stats.Sort((a, b) => a.StartTicks != b.StartTicks ? a.StartTicks.CompareTo(b.StartTicks) : a.Pid.CompareTo(b.Pid));
        foreach (var st in stats)
        {
            Find(new ProcessKey(st.Pid, st.StartTicks));
        }
    }

    public bool TryGet(ProcessKey key, out ProcessNode node) => _nodes.TryGetValue(key, out node!);

    /// <summary>The node for key, read from /proc if the table has not seen it. Null when it is gone.</summary>
    public ProcessNode? Find(ProcessKey key)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            return node;
        }
        ProcReads++;
        var ctx = reader.TryRead(key.Tgid, key.StartTicks, out var st);
        if (ctx is null)
        {
            return null;
        }
        ctx = _strings.Intern(ctx);
        ProcessNode? parent = null;
        var knowledge = ParentKnowledge.Known;
        if (ProcessIdentity.IsRoot(st.PPid))
        {
            // Started by init directly, or re-parented to it. A service started by init is a
            // session leader; a double-forked daemon is not, and its launcher is gone.
            knowledge = st.Session == st.Pid || st.PPid == 0 || st.Pid <= 2 ? ParentKnowledge.Root : ParentKnowledge.Unknown;
        }
        else
        {
            parent = _byTgid.TryGetValue(st.PPid, out var p) && p.ExitedBootNs is null ? p : FindByPid(st.PPid);
            if (parent is null)
            {
                knowledge = ParentKnowledge.Unknown;
            }
        }
        node = Create(key, parent, knowledge, ctx);
        node.ContextFromProc = true;
        Peers.Add(node, ctx.Stdio);
        return node;
    }

    private ProcessNode? FindByPid(int pid) =>
        reader.TryReadStat(pid, out var st) ? Find(new ProcessKey(pid, st.StartTicks)) : null;

    public void OnFork(ProcessKey parentKey, ProcessKey childKey, string comm)
    {
        if (_nodes.ContainsKey(childKey))
        {
            return;
        }
        var parent = ProcessIdentity.IsRoot(parentKey.Tgid) ? null : Find(parentKey);
        var knowledge = parent is not null ? ParentKnowledge.Known
            : ProcessIdentity.IsRoot(parentKey.Tgid) ? ParentKnowledge.Root : ParentKnowledge.Unknown;
        var ctx = parent?.Context is { } pc ? (pc.Comm == comm ? pc : pc with { Comm = _strings.Intern(comm) }) : Placeholder(comm);
        var node = Create(childKey, parent, knowledge, ctx);
        // A fork shares its parent's exec context; when the parent was unknown, /proc may still tell.
        node.ContextFromProc = parent?.ContextFromProc ?? true;
    }

    public ProcessNode OnExec(ProcessKey key, ProcessKey parentKey, ProcessContext ctx, long bootNs = 0)
    {
        ctx = _strings.Intern(ctx);
        if (_nodes.TryGetValue(key, out var node))
        {
            Peers.Remove(node, node.Context.Stdio);
            node.ForgetExecChildren();
            node.Context = ctx;
            node.ContextFromProc = false;
        }
        else
        {
            // Forked before capture started (or the fork event was not seen): the exec's real_parent is the best truth.
            var parent = ProcessIdentity.IsRoot(parentKey.Tgid) ? null : Find(parentKey);
            var knowledge = parent is not null ? ParentKnowledge.Known
                : ProcessIdentity.IsRoot(parentKey.Tgid) ? ParentKnowledge.Root : ParentKnowledge.Unknown;
            node = Create(key, parent, knowledge, ctx);
        }
        node.ExecBootNs = bootNs;
        Peers.Add(node, ctx.Stdio);
        node.ParentNode?.AddExecChild(node);
        return node;
    }

    /// <summary>The kernel's view at connect wins over the exec-time one: cwd, session, tty now; deleted exe, rewritten argv.</summary>
    public void OnContextAtConnect(ProcessKey process, string cwd, bool cwdTruncated, bool exeDeleted, bool argvOverwritten, int session, string tty)
    {
        if (Find(process) is not { } node)
        {
            return;
        }
        var ctx = node.Context;
        var truncated = ctx.Truncated.Where(t => t != "cwd").ToList();
        if (cwdTruncated)
        {
            truncated.Add("cwd");
        }
        node.Context = ctx with
        {
            Cwd = _strings.Intern(cwd),
            Session = session,
            Tty = _strings.Intern(tty),
            ExeDeleted = ctx.ExeDeleted || exeDeleted,
            ArgvOverwritten = ctx.ArgvOverwritten || argvOverwritten,
            Truncated = truncated,
        };
    }

    public void OnExit(ProcessKey key, long bootNs)
    {
        if (_nodes.TryGetValue(key, out var node) && node.ExitedBootNs is null)
        {
            node.ExitedBootNs = bootNs;
            _exited.Enqueue((bootNs, key));
        }
    }

    /// <summary>Forgets processes that exited more than the grace period before nowBootNs.</summary>
    public void Sweep(long nowBootNs)
    {
        var horizon = nowBootNs - (long)ExitGrace.TotalNanoseconds;
        while (_exited.TryPeek(out var e) && e.ExitNs < horizon)
        {
            _exited.Dequeue();
            if (_nodes.Remove(e.Key, out var node))
            {
                Peers.Remove(node, node.Context.Stdio);
                if (_byTgid.TryGetValue(e.Key.Tgid, out var cur) && ReferenceEquals(cur, node))
                {
                    _byTgid.Remove(e.Key.Tgid);
                }
            }
        }
        // Dictionaries keep their largest size; give it back once a storm is over.
        _highWater = Math.Max(_highWater, _nodes.Count);
        if (_highWater > 4096 && _nodes.Count < _highWater / 4)
        {
            _nodes.TrimExcess();
            _byTgid.TrimExcess();
            _highWater = _nodes.Count;
        }
    }

    private ProcessNode Create(ProcessKey key, ProcessNode? parent, ParentKnowledge knowledge, ProcessContext ctx)
    {
        var pid = Identity.ProcessId(key);
        var parentAncestry = parent?.AncestryId
            ?? (knowledge == ParentKnowledge.Root ? ProcessIdentity.InitAncestry : ProcessIdentity.UnknownAncestry);
        var node = new ProcessNode
        {
            Key = key,
            ProcessId = pid,
            AncestryId = ProcessIdentity.AncestryId(pid, parentAncestry),
            Parent = parent is null ? knowledge : ParentKnowledge.Known,
            ParentNode = parent,
            ParentChain = parent?.ChainForChildren() ?? (knowledge == ParentKnowledge.Root ? "1" : "?"),
            Depth = (parent?.Depth ?? 0) + 1,
            Context = ctx,
        };
        _nodes[key] = node;
        _byTgid[key.Tgid] = node;
        return node;
    }

    private static ProcessContext Placeholder(string comm) => new()
    {
        Comm = comm,
        Exe = "",
        Argv = [],
        Cwd = "",
        EnvSha256 = "",
        Truncated = ["context"],
    };
}
