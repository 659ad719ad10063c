using System.Globalization;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A process that holds an outbound connection and, within seconds of it, spawns a shell (a child or grandchild):
/// the network handing commands to a shell. Several shells spawned over one connection is a command loop
/// (ruby IO.popen, gawk |&amp; getline) when the holder reads their output through pipes it made.
/// </summary>
public sealed class ShellSpawnRule : IRiskRule
{
    public string Name => "shell-spawn";

    public string Description => "a process holding an outbound connection spawns a shell within seconds (one, or a command loop)";

    public string Technique => "T1059";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Connection.Process is not { } holder)
        {
            return null;
        }
        var window = (long)(s.Config.StdioProbeWindowSeconds * 1e9);
        var birth = s.Connection.BirthBootNs;
        var count = 0;
        var captured = false;
        string? first = null;
        var mine = holder.Context.Stdio;
        foreach (var child in holder.ExecChildren)
        {
            Count(child);
            foreach (var grandchild in child.ExecChildren)
            {
                Count(grandchild);
            }
        }
        if (count == 0)
        {
            return null;
        }
        // Two shells, or one whose output the holder reads through a pipe it made (popen, a coprocess): commands from the network.
        // Two shells whose output the holder reads through pipes it made (popen, a coprocess): commands from the network.
        return count >= 2 && captured
            ? new RuleHit(Name, s.Config.ShellLoopPoints, string.Create(CultureInfo.InvariantCulture,
                $"{Subject.Label(holder.Context.Exe)} holding this connection spawned {count} shells and reads their output (a command loop)"), "T1059.004")
            : new RuleHit(Name, s.Config.ShellSpawnPoints, $"{Subject.Label(holder.Context.Exe)} holding this connection spawned {first}{(captured ? " and reads its output" : "")}", "T1059.004");

        void Count(Lineage.ProcessNode n)
        {
            if (n.ExecBootNs >= Math.Max(birth - 1_000_000_000, holder.ExecBootNs) && n.ExecBootNs <= birth + window && CommandInterpreter.IsShell(n.Context, s.Lists, s.Identity))
            {
                count++;
                first ??= Subject.Label(n.Context.Exe);
                var o = n.Context.Stdio.Out;
                captured |= o.Kind is Lineage.StdioKind.Pipe or Lineage.StdioKind.Socket && o != mine.In && o != mine.Out && o != mine.Err;
            }
        }
    }
}
