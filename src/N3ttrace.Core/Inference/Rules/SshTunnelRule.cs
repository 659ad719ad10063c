namespace N3ttrace.Inference.Rules;

/// <summary>ssh asked to forward ports or tunnel (-R, -L, -D, -w): a pivot, or a way out around the firewall.</summary>
public sealed class SshTunnelRule : IRiskRule
{
    public string Name => "ssh-tunnel";

    public string Description => "ssh with port forwarding or tunnelling (-R, -L, -D, -w)";

    public string Technique => "T1572";

    public RuleHit? Evaluate(Subject s)
    {
        if (NameSet.BaseName(s.Exe) != "ssh")
        {
            return null;
        }
        foreach (var a in LolbinShellRule.Args(s.Birth.Argv).Skip(1))
        {
            // Options may be combined ("-fNR"); stop at the first non-option (the host).
            if (a.Length < 2 || a[0] != '-' || a[1] == 'o' || !IsFlagCluster(a))
            {
                continue;
            }
            foreach (var flag in "RLDw")
            {
                if (a.AsSpan(1).Contains(flag))
                {
                    return new RuleHit(Name, s.Config.SshTunnelPoints, $"ssh forwards or tunnels (-{flag})", Technique);
                }
            }
        }
        return null;
    }

    // "-fNR" yes; "--x", "-oLogLevel=x", "-p2222" (has digits) no.
    private static bool IsFlagCluster(string a)
    {
        for (var i = 1; i < a.Length; i++)
        {
            if (!char.IsAsciiLetter(a[i]))
            {
                return false;
            }
        }
        return true;
    }
}
