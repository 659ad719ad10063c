namespace N3ttrace.Inference.Rules;

/// <summary>
/// A network tool or interpreter (curl, wget, nc, python...) started by a shell that has no terminal,
/// outside any system service or login session: scripted, unattended, and owned by nobody.
/// The same binary run by a user at a terminal or by a service scores nothing.
/// </summary>
public sealed class LolbinContextRule : IRiskRule
{
    public string Name => "lolbin";

    public string Description => "a network tool or interpreter run by a shell without a terminal, outside services and login sessions";

    public string Technique => "T1059";

    public RuleHit? Evaluate(Subject s)
    {
        if (!s.IsLolbin || s.IsShell || s.HasTty || s.Cgroup.IsSystemService || s.Cgroup.IsSessionScope || s.Cgroup.IsUserApp)
        {
            return null;
        }
        if (s.Parent is not { } parent || !s.Lists.Shells.Contains(parent.Context.Exe) || parent.Context.Tty.Length > 0 || s.IsAutomation(parent, out _))
        {
            return null;
        }
        return new RuleHit(Name, s.Config.LolbinContextPoints,
            $"{Subject.Label(s.Exe)} run by {Subject.Label(parent.Context.Exe)} without a terminal, outside services and login sessions", Technique);
    }
}
