using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>A process whose comm or argv[0] names another program than the executable (renamed to hide: kworker, sshd...).</summary>
public sealed class MasqueradeRule : IRiskRule
{
    public string Name => "masquerade";

    public string Description => "comm or argv[0] does not match the executable";

    public RuleHit? Evaluate(Subject s)
    {
        var comm = s.Connection.Facts.Contains(ProcessFacts.CommRenamed);
        var argv0 = s.Connection.Facts.Contains(ProcessFacts.Argv0Mismatch);
        if (!comm && !argv0)
        {
            return null;
        }
        var shown = comm ? s.Connection.Comm : s.Birth.Argv0;
        return new RuleHit(Name, s.Config.MasqueradePoints,
            $"{(comm ? "comm" : "argv[0]")} '{Subject.Label(shown)}' does not match executable {Subject.Label(s.Exe)}");
    }
}
