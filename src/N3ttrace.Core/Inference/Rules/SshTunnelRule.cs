namespace N3ttrace.Inference.Rules;

/// <summary>
/// ssh forwarding ports or tunnelling: an sshd that opens an outbound connection, or an ssh client holding more than its
/// session (behaviour); ssh asked to forward (-R, -L, -D, -w) on its command line (text, smaller weight).
/// </summary>
public sealed class SshTunnelRule : IRiskRule
{
    public string Name => "ssh-tunnel";

    public string Description => "sshd connecting out, ssh holding several connections, or ssh with -R, -L, -D, -w";

    public string Technique => "T1572";

    public RuleHit? Evaluate(Subject s)
    {
        var name = NameSet.BaseName(s.Exe);
        if (name is "sshd" or "sshd-session")
        {
            // sshd has no reason of its own to open a TCP connection: it forwards one for a client (-L, -D).
            return new RuleHit(Name, s.Config.SshForwardPoints, "sshd opened an outbound connection: it forwards traffic for a client (-L/-D)", Technique);
        }
        if (name != "ssh")
        {
            return null;
        }
        if (s.HeldByProcess >= 2)
        {
            // One ssh client, several live connections: the session and the traffic it forwards (-R).
            return new RuleHit(Name, s.Config.SshForwardPoints, System.FormattableString.Invariant($"ssh holds {s.HeldByProcess} connections: it forwards traffic"), Technique);
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
