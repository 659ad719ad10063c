using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A command interpreter that takes its commands from stdin, wired to the process that holds this outbound
/// connection: through one pipe or FIFO hop (a sibling in the pipeline: `sh -i &lt; f | nc host port &gt; f`), or as
/// a child the holder spawned onto a socket, a pipe or a terminal it created (nc -e, socat exec:, python pty.spawn).
/// That is every interactive reverse shell, whatever tool carries it. Judged from exec-time stdio facts and the
/// pipeline's inode index; constant work (3 fds x bounded holders, 4 children x 4 grandchildren).
/// </summary>
public sealed class StdioWiringRule : IRiskRule
{
    private const long SpawnSlackNs = 2_000_000_000;

    public string Name => "stdio-wiring";

    public string Description => "a command interpreter reading stdin, wired by a pipe, FIFO, socket or pty to the process holding the connection";

    public string Technique => "T1059.004";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Connection.Process is not { } holder)
        {
            return null;
        }
        // Breadth-first along the data, from the holder: a pipe or FIFO leads from a process's stdout to another's stdin
        // (downstream: what arrives from the network) or from its stdin back to another's stdout (upstream: what goes
        // out). Any process on the way relays (cat, dd, tee, a multi-call binary, a pty owner); only fd kinds and inodes
        // decide. Bounded: MaxHops processes deep, at most MaxVisited processes.
        var walk = new List<(ProcessNode Node, Flow Flow, int Hop)>(4) { (holder, Flow.Both, 0) };
        for (var i = 0; i < walk.Count && walk.Count <= MaxVisited; i++)
        {
            var (node, flow, hop) = walk[i];
            var stdio = node.Context.Stdio;
            for (var fd = 0; fd < 2; fd++)
            {
                if ((fd == 0 && flow == Flow.Down) || (fd == 1 && flow == Flow.Up))
                {
                    continue;
                }
                var f = stdio[fd];
                if (f.Kind is not (StdioKind.Pipe or StdioKind.Fifo))
                {
                    continue;
                }
                foreach (var peer in s.Peers.Others(f, node))
                {
                    var pc = peer.Context;
                    // Opposite ends: this process writes what the peer reads (its stdout, their stdin), or reads what it writes.
                    var down = fd == 1;
                    if (!(down ? pc.Stdio.In == f : pc.Stdio.Out == f))
                    {
                        continue;
                    }
                    if (s.IsInterpreter(pc) && (CommandInterpreter.ReadsCommandsFromStdin(pc, s.Lists) || (down && SpawnedShell(s, peer))))
                    {
                        var end = down ? "stdin" : "stdout";
                        var via = hop == 0 ? "" : $" through {hop} relaying process{(hop > 1 ? "es" : "")} ({Subject.Label(node.Context.Exe)})";
                        return Hit(s, pc, $"{end} of {Subject.Label(pc.Exe)} is {f}{via}, wired to {Subject.Label(holder.Context.Exe)} holding this connection");
                    }
                    // A peer met on both ends (nc < q | awk > q) is judged from each end, walked once.
                    if (hop + 1 < MaxHops && walk.Count < MaxVisited && !Visited(walk, peer))
                    {
                        walk.Add((peer, down ? Flow.Down : Flow.Up, hop + 1));
                    }
                }
            }
            foreach (var child in node.ExecChildren)
            {
                if (Wired(s, node, child, holder) is { } hit)
                {
                    return hit;
                }
                foreach (var grandchild in child.ExecChildren)
                {
                    if (Wired(s, node, grandchild, holder) is { } hit2)
                    {
                        return hit2;
                    }
                }
            }
        }
        return null;
    }

    private const int MaxHops = 3;
    private const int MaxVisited = 12;

    /// <summary>Which way data flows through a process reached on the walk.</summary>
    private enum Flow
    {
        Both,
        Down,
        Up,
    }

    private static bool Visited(List<(ProcessNode Node, Flow Flow, int Hop)> walk, ProcessNode n)
    {
        foreach (var w in walk)
        {
            if (ReferenceEquals(w.Node, n))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A child that parent (the holder, or a process relaying for it) spawned after the connection onto a socket, or a pipe or terminal parent made for it.</summary>
    private RuleHit? Wired(Subject s, ProcessNode parent, ProcessNode child, ProcessNode holder)
    {
        var cc = child.Context;
        if (child.ExecBootNs != 0 && child.ExecBootNs < s.Connection.BirthBootNs - SpawnSlackNs)
        {
            return null; // spawned before this connection existed
        }
        if (!s.IsInterpreter(cc) || !CommandInterpreter.ReadsCommandsFromStdin(cc, s.Lists))
        {
            return null;
        }
        var mine = parent.Context.Stdio;
        var who = ReferenceEquals(parent, holder)
            ? $"{Subject.Label(holder.Context.Exe)} holding this connection"
            : $"{Subject.Label(parent.Context.Exe)}, relaying for {Subject.Label(holder.Context.Exe)} holding this connection,";
        foreach (var f in (ReadOnlySpan<StdioFd>)[cc.Stdio.In, cc.Stdio.Out])
        {
            // A relay's child on a socket it shares on its own stdio is its pipeline's, not one it made.
            if (f.Kind == StdioKind.Socket && (ReferenceEquals(parent, holder) || (f != mine.In && f != mine.Out)))
            {
                return Hit(s, cc, $"{who} runs {Subject.Label(cc.Exe)} on a socket ({f})");
            }
            // A pipe or terminal the parent does not have on its own stdio: the parent made it for the child.
            if (f.Kind is StdioKind.Pipe or StdioKind.Fifo or StdioKind.Tty && f != mine.In && f != mine.Out && f != mine.Err)
            {
                return Hit(s, cc, $"{who} runs {Subject.Label(cc.Exe)} on a {StdioFd.Name(f.Kind)} it created");
            }
        }
        return null;
    }

    /// <summary>An interpreter fed by the holder's pipe that runs shells (awk system(), a read loop): it executes what arrives.</summary>
    private static bool SpawnedShell(Subject s, ProcessNode peer)
    {
        foreach (var child in peer.ExecChildren)
        {
            if (child.ExecBootNs >= s.Connection.BirthBootNs - SpawnSlackNs && CommandInterpreter.IsShell(child.Context, s.Lists, s.Identity))
            {
                return true;
            }
        }
        return false;
    }

    private RuleHit Hit(Subject s, ProcessContext interpreter, string text) =>
        new(Name, s.Config.StdioWiringPoints, text, TechniqueOf(interpreter, s.Lists));

    /// <summary>T1059.004 Unix shell, .006 Python, .007 JavaScript, else T1059.</summary>
    public static string TechniqueOf(ProcessContext ctx, RuleLists lists)
    {
        var name = NameSet.StripVersion(NameSet.BaseName(ctx.Exe));
        return lists.Shells.Contains(ctx.Exe) ? "T1059.004"
            : name.StartsWith("python", StringComparison.Ordinal) ? "T1059.006"
            : name is "node" or "nodejs" ? "T1059.007"
            : "T1059";
    }
}
