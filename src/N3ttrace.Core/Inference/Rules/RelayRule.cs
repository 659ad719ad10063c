using N3ttrace.Lineage;

namespace N3ttrace.Inference.Rules;

/// <summary>
/// A relay: a process holding an accepted inbound connection (seen in /proc for network tools) that opens an outbound
/// one, or a program (not a shell or interpreter) started with a socket on its stdin (an accepted
/// connection handed over, inetd-style: ncat --sh-exec, socat, a listener's child) that opens an outbound connection:
/// one process with an inbound and an outbound connection, carrying one into the other.
/// </summary>
public sealed class RelayRule : IRiskRule
{
    public string Name => "relay";

    public string Description => "one process with an accepted inbound connection (or a socket on stdin) and an outbound one (relay)";

    public string Technique => "T1090";

    public RuleHit? Evaluate(Subject s)
    {
        var io = s.Birth.Stdio;
        if (io.In.Kind == StdioKind.Socket && !s.IsInterpreter(s.Birth))
        {
            // stdin only: a service's stdout to journald is a socket too, its stdin never is.
            return new RuleHit(Name, s.Config.RelayPoints, $"{Subject.Label(s.Exe)} carries the socket on its stdin ({io.In}) to an outbound connection", Technique);
        }
        if (s.InboundSockets > 0)
        {
            return new RuleHit(Name, s.Config.RelayPoints, $"{Subject.Label(s.Exe)} (or the launcher feeding its stdin) holds an accepted inbound connection and this outbound one", Technique);
        }
        return null;
    }
}
