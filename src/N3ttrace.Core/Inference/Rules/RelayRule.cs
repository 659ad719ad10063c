namespace N3ttrace.Inference.Rules;

/// <summary>
/// A relay: one process carrying an accepted inbound connection into an outbound one it opens moments later
/// (socat TCP-LISTEN ... TCP:far, ncat -l --sh-exec "ncat far", a python forwarder), or a helper its listener
/// started for that client. A server calling its database holds both too; what sets a relay apart is timing and
/// fan-in: the outbound follows the accept within seconds, and the listener has served few clients (a service
/// with many is not scored). With the /proc fallback, a network tool's accepted sockets are counted in /proc.
/// </summary>
public sealed class RelayRule : IRiskRule
{
    public string Name => "relay";

    public string Description => "one process with an accepted inbound connection and an outbound one opened moments later (relay)";

    public string Technique => "T1090";

    public RuleHit? Evaluate(Subject s)
    {
        if (s.Relay is { } r && r.AcceptedOnPort <= s.Config.RelayMaxClients)
        {
            var who = r.Depth == 0 ? Subject.Label(s.Exe) : $"{Subject.Label(s.Exe)} (started by {Subject.Label(r.Holder.Context.Exe)} for the client)";
            return new RuleHit(Name, s.Config.RelayPoints,
                System.FormattableString.Invariant($"{who} connected out {r.SecondsAfterAccept:0.###} s after {Subject.Label(r.Holder.Context.Exe)} accepted an inbound connection on port {r.Inbound.LocalPort} (client {r.AcceptedOnPort} of that listener)"),
                Technique);
        }
        // A socket on stdin alone proves nothing (rsync and git hand ssh a socketpair): the inbound side is looked up in /proc.
        if (s.InboundSockets > 0)
        {
            return new RuleHit(Name, s.Config.RelayPoints, $"{Subject.Label(s.Exe)} (or the launcher feeding its stdin) holds an accepted inbound connection and this outbound one", Technique);
        }
        return null;
    }
}
