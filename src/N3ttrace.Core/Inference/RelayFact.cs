using N3ttrace.Connections;
using N3ttrace.Lineage;

namespace N3ttrace.Inference;

/// <summary>
/// At an outbound connection's birth: a live accepted (inbound) connection held by the connecting process itself
/// (<see cref="Depth"/> 0), or by a parent or grandparent that started the connecting process for that client (a
/// relay that forks or runs a helper per client: socat fork, ncat --sh-exec). A helper counts only if it was
/// started after the accept, in the holder's own session (a login, as under sshd, starts a new session: that is a
/// user's command, not a helper), and the holder listens on at most one port (a process serving several listeners
/// while it also launches programs is a service or a supervisor, and its children are not its clients' helpers).
/// <see cref="AcceptedOnPort"/>: how many connections that listening port has accepted so far; a service with many
/// clients is not a one-shot relay. A loopback client that is the holder or its own descendant is not counted.
/// </summary>
public sealed record RelayFact(ProcessNode Holder, int Depth, Connection Inbound, double SecondsAfterAccept, int AcceptedOnPort)
{
    private const long TickNs = 10_000_000; // USER_HZ 100: a process's start time is known to 10 ms

    /// <summary>The newest such inbound connection born at most <paramref name="windowSeconds"/> before the outbound one, or null.</summary>
    public static RelayFact? Find(Connection outbound, ServerSockets servers, double windowSeconds, int maxDepth = 2)
    {
        if (outbound.Direction != FlowDirection.Outbound || outbound.Process is not { } node)
        {
            return null;
        }
        var windowNs = (long)(windowSeconds * 1e9);
        var depth = 0;
        for (var p = node; p is not null && depth <= maxDepth; p = p.ParentNode, depth++)
        {
            if (servers.NewestInbound(p.Key, outbound.BirthBootNs) is not var (inbound, accepted))
            {
                continue;
            }
            var after = outbound.BirthBootNs - inbound.BirthBootNs;
            if (after > windowNs)
            {
                continue;
            }
            // A client that is the holder itself or one of its descendants (a test host or a supervisor whose own child
            // called its listener over loopback) is not someone else's traffic being carried on.
            if (servers.LocalClient(inbound) is { } client && WithinTree(client, p))
            {
                continue;
            }
            // A descendant counts only if it, and every process between it and the holder, was started for this client
            // (after the accept): a loop or worker that predates the accept and runs programs is not the client's helper.
            if (depth > 0 && (!StartedAfter(node, p, inbound.BirthBootNs)
                || node.Context.Session != p.Context.Session || servers.ListeningPorts(p.Key) > 1))
            {
                continue;
            }
            return new RelayFact(p, depth, inbound, after / 1e9, accepted);
        }
        return null;
    }

    /// <summary>Whether <paramref name="node"/> is <paramref name="root"/> or one of its descendants (up to 16 levels).</summary>
    private static bool WithinTree(ProcessNode node, ProcessNode root)
    {
        var depth = 0;
        for (var n = node; n is not null && depth < 16; n = n.ParentNode, depth++)
        {
            if (n == root || n.Key == root.Key)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="node"/> and its ancestors below <paramref name="holder"/> all started after <paramref name="bootNs"/>.</summary>
    private static bool StartedAfter(ProcessNode node, ProcessNode holder, long bootNs)
    {
        for (var n = node; n is not null && n != holder; n = n.ParentNode)
        {
            if ((long)n.Key.StartTicks * TickNs + TickNs < bootNs)
            {
                return false;
            }
        }
        return true;
    }
}
