using N3ttrace.Connections;
using N3ttrace.Lineage;

namespace N3ttrace.Inference;

/// <summary>
/// One connection as the rules see it: its birth context, what the engine learned about it
/// (beacon statistics, first sighting, stdio probe, longevity threshold) and its ancestors.
/// Built per evaluation; ancestors are walked once, up to the configured depth.
/// </summary>
public sealed class Subject
{
    private IReadOnlyList<ProcessNode>? _ancestors;

    public Subject(Connection c, RuleLists lists, long nowBootNs)
    {
        Connection = c;
        Lists = lists;
        NowBootNs = nowBootNs;
        Cgroup = CgroupContext.Parse(c.Context.Cgroup);
    }

    public Connection Connection { get; }
    public RuleLists Lists { get; }
    public RulesConfig Config => Lists.Config;
    public long NowBootNs { get; }
    public CgroupContext Cgroup { get; }

    public ProcessContext Birth => Connection.Context;
    /// <summary>The process as it is now: after an exec (perl that became sh) this is the new program.</summary>
    public ProcessContext Current => Connection.Process?.Context ?? Connection.Context;
    public string Exe => Birth.Exe;
    public bool HasTty => Birth.Tty.Length > 0;
    public bool IsShell => CommandInterpreter.IsShell(Birth, Lists, Identity);
    public bool IsLolbin => Lists.IsLolbin(Exe);

    /// <summary>Stdio bits seen by /proc probes of the live process (the engine fills this in).</summary>
    public int ProbedStdio { get; set; }
    public BeaconObservation? Beacon { get; set; }
    public bool FirstSeen { get; set; }
    public int BaselineSize { get; set; }
    public LongevityThreshold? Longevity { get; set; }

    /// <summary>Who holds each pipe, FIFO and socket on stdio (the engine sets the pipeline's index).</summary>
    public StdioPeers Peers { get; init; } = StdioPeers.Empty;
    /// <summary>Established inbound (accepted) TCP sockets the process holds, when the engine looked (relay candidates).</summary>
    public int InboundSockets { get; set; }
    /// <summary>An accepted inbound connection this outbound one may be carrying (the engine finds it at birth).</summary>
    public RelayFact? Relay { get; set; }
    /// <summary>Live outbound connections the connection's process holds, this one included (the engine counts them).</summary>
    public int HeldByProcess { get; init; }
    /// <summary>Copies of known interpreters under other names (null: by name only).</summary>
    public IExecutableIdentity? Identity { get; init; }

    public bool IsInterpreter(ProcessContext ctx) => CommandInterpreter.Is(ctx, Lists, Identity);

    /// <summary>
    /// A shell without a terminal that runs as automation, not as an intruder's session: its stdin is /dev/null or a
    /// file (cron, at, nohup, CI), it runs in a system service, or a launcher among its ancestors is a scheduler,
    /// supervisor, CI runner, container runtime or init system (by executable path).
    /// </summary>
    public bool IsAutomation(ProcessNode shell, out string why)
    {
        why = "";
        var ctx = shell.Context;
        if (ctx.Tty.Length > 0)
        {
            return false;
        }
        if (Cgroup.IsSystemService)
        {
            why = $"service {Label(Cgroup.Unit)}";
            return true;
        }
        if (ctx.Stdio.In.Kind is StdioKind.Null or StdioKind.File)
        {
            why = $"stdin is {StdioFd.Name(ctx.Stdio.In.Kind)}";
            return true;
        }
        return HasAutomationLauncher(shell, out why);
    }

    /// <summary>A scheduler, supervisor, CI runner, container runtime or init among the ancestors (by executable path).</summary>
    public bool HasAutomationLauncher(ProcessNode node, out string why)
    {
        why = "";
        var depth = 0;
        for (var p = node.ParentNode; p is not null && depth < Config.AncestryDepth; p = p.ParentNode, depth++)
        {
            if (Lists.AutomationLaunchers.Contains(p.Context.Exe))
            {
                why = $"launched by {Label(p.Context.Exe)}";
                return true;
            }
        }
        return false;
    }

    /// <summary>Original parents, nearest first, up to the configured depth (exited ones included).</summary>
    public IReadOnlyList<ProcessNode> Ancestors => _ancestors ??= WalkAncestors();

    public ProcessNode? Parent => Ancestors.Count > 0 ? Ancestors[0] : null;

    private List<ProcessNode> WalkAncestors()
    {
        var list = new List<ProcessNode>(4);
        for (var p = Connection.Process?.ParentNode; p is not null && list.Count < Config.AncestryDepth; p = p.ParentNode)
        {
            list.Add(p);
        }
        return list;
    }

    /// <summary>A short, safe label for a reason: the base name, only plain characters (names are attacker-controlled).</summary>
    public static string Label(string pathOrName)
    {
        var name = NameSet.BaseName(pathOrName);
        if (name.Length == 0)
        {
            return "?";
        }
        Span<char> buf = stackalloc char[Math.Min(name.Length, 32)];
        for (var i = 0; i < buf.Length; i++)
        {
            var ch = name[i];
            buf[i] = char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '+' or '@' ? ch : '?';
        }
        return new string(buf);
    }
}
