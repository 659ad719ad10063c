using System.Globalization;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A process that holds an outbound connection and, within seconds of it, spawns a shell (a child or grandchild):
/// the network handing commands to a shell. Several shells spawned over one connection is a command loop
/// (ruby IO.popen, gawk |&amp; getline). A shell holding the connection itself is not counted here (its children are its commands).
/// </summary>
public sealed class ShellSpawnRule : IRiskRule
{
    public string Name => "shell-spawn";

    public string Description => "a process holding an outbound connection spawns a shell within seconds (one, or a command loop)";

    public string Technique => "T1059";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Connection.Process is not { } holder || s.IsShell)
        {
            return null;
        }
        var window = (long)(s.Config.StdioProbeWindowSeconds * 1e9);
        var birth = s.Connection.BirthBootNs;
        var count = 0;
        string? first = null;
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
        return count >= 2
            ? new RuleHit(Name, s.Config.ShellLoopPoints, string.Create(CultureInfo.InvariantCulture,
                $"{Subject.Label(holder.Context.Exe)} holding this connection spawned {count} shells (a command loop)"), "T1059.004")
            : new RuleHit(Name, s.Config.ShellSpawnPoints, $"{Subject.Label(holder.Context.Exe)} holding this connection spawned {first}", "T1059.004");

        void Count(Lineage.ProcessNode n)
        {
            if (n.ExecBootNs >= birth - 1_000_000_000 && n.ExecBootNs <= birth + window && CommandInterpreter.IsShell(n.Context, s.Lists, s.Identity))
            {
                count++;
                first ??= Subject.Label(n.Context.Exe);
            }
        }
    }
}
