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
        var mine = holder.Context.Stdio;
        for (var fd = 0; fd < 2; fd++)
        {
            var f = mine[fd];
            if (f.Kind is not (StdioKind.Pipe or StdioKind.Fifo))
            {
                continue;
            }
            foreach (var peer in s.Peers.Others(f, holder))
            {
                var pc = peer.Context;
                // Opposite ends: the holder writes what the interpreter reads (its stdout, their stdin), or reads what it writes.
                var opposite = fd == 1 ? pc.Stdio.In == f : pc.Stdio.Out == f;
                if (opposite && s.IsInterpreter(pc)
                    && (CommandInterpreter.ReadsCommandsFromStdin(pc) || (pc.Stdio.In == f && SpawnedShell(s, peer))))
                {
                    var end = pc.Stdio.In == f ? "stdin" : "stdout";
                    return Hit(s, pc, $"{end} of {Subject.Label(pc.Exe)} is {f}, held by {Subject.Label(holder.Context.Exe)} with this connection");
                }
            }
        }
        foreach (var child in holder.ExecChildren)
        {
            if (Wired(s, holder, child) is { } hit)
            {
                return hit;
            }
            foreach (var grandchild in child.ExecChildren)
            {
                if (Wired(s, holder, grandchild) is { } hit2)
                {
                    return hit2;
                }
            }
        }
        return null;
    }

    private RuleHit? Wired(Subject s, ProcessNode holder, ProcessNode child)
    {
        var cc = child.Context;
        if (child.ExecBootNs != 0 && child.ExecBootNs < s.Connection.BirthBootNs - SpawnSlackNs)
        {
            return null; // spawned before this connection existed
        }
        if (!s.IsInterpreter(cc) || !CommandInterpreter.ReadsCommandsFromStdin(cc))
        {
            return null;
        }
        var mine = holder.Context.Stdio;
        foreach (var f in (ReadOnlySpan<StdioFd>)[cc.Stdio.In, cc.Stdio.Out])
        {
            if (f.Kind == StdioKind.Socket)
            {
                return Hit(s, cc, $"{Subject.Label(holder.Context.Exe)} holding this connection runs {Subject.Label(cc.Exe)} on a socket ({f})");
            }
            // A pipe or terminal the holder does not have on its own stdio: the holder made it for the child.
            if (f.Kind is StdioKind.Pipe or StdioKind.Fifo or StdioKind.Tty && f != mine.In && f != mine.Out && f != mine.Err)
            {
                return Hit(s, cc, $"{Subject.Label(holder.Context.Exe)} holding this connection runs {Subject.Label(cc.Exe)} on a {StdioFd.Name(f.Kind)} it created");
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
