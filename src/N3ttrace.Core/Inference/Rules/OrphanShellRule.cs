using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A shell with no terminal, outside any service, whose launcher is already gone: it double-forked
/// into the background (or was re-parented before n3ttrace saw it), and now it, or its child, connects out.
/// Supporting context only: deploy scripts, nohup and at jobs work this way, and automation (stdin /dev/null or a
/// file, a scheduler, supervisor, CI runner or init among the launchers) does not score at all.
/// </summary>
public sealed class OrphanShellRule : IRiskRule
{
    public string Name => "orphan-shell";

    public string Description => "a background shell without a terminal whose launcher exited (double fork) connects out";

    public string Technique => "T1059.004";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.HasTty || s.Cgroup.IsSystemService)
        {
            return null;
        }
        var shell = s.IsShell ? s.Connection.Process : s.Parent is { } p && s.Lists.Shells.Contains(p.Context.Exe) ? p : null;
        if (shell is null || shell.Context.Tty.Length > 0)
        {
            return null;
        }
        var launcherGone = shell.Parent == ParentKnowledge.Unknown
            || (shell.ParentNode is { } launcher && launcher.ExitedBootNs is { } exited && exited <= s.Connection.BirthBootNs);
        if (!launcherGone || s.IsAutomation(shell, out _))
        {
            return null;
        }
        return new RuleHit(Name, s.Config.OrphanShellPoints,
            $"background {Subject.Label(shell.Context.Exe)} without a terminal, its launcher gone (double fork)", Technique);
    }
}
