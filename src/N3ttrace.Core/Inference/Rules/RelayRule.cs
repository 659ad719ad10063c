namespace N3ttrace.Inference.Rules;

/// <summary>
/// A relay: a process holding an accepted inbound connection (seen in /proc for network tools) that opens an outbound
/// one (socat TCP-LISTEN ... TCP:far), or whose stdin is fed by a network tool that holds one (ncat --sh-exec):
/// one process with an inbound and an outbound connection, carrying one into the other.
/// </summary>
public sealed class RelayRule : IRiskRule
{
    public string Name => "relay";

    public string Description => "one process with an accepted inbound connection (or a socket on stdin) and an outbound one (relay)";

    public string Technique => "T1090";

    public RuleHit? Evaluate(Subject s)
    {
        // A socket on stdin alone proves nothing (rsync and git hand ssh a socketpair): the inbound side is looked up in /proc.
        if (s.InboundSockets > 0)
        {
            return new RuleHit(Name, s.Config.RelayPoints, $"{Subject.Label(s.Exe)} (or the launcher feeding its stdin) holds an accepted inbound connection and this outbound one", Technique);
        }
        return null;
    }
}
