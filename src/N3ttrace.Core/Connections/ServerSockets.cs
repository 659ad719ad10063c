using System.Net;
using N3ttrace.Lineage;

namespace N3ttrace.Connections;

/// <summary>
/// The live listeners and accepted (inbound) connections of each process, and how many connections each of its
/// listening ports has accepted so far: the facts a relay is judged by (one process carrying an inbound
/// connection into an outbound one). Fed by the pipeline on every inbound or listen birth and death; a process's
/// entry goes when it holds neither any more, so memory follows the live server sockets.
/// </summary>
public sealed class ServerSockets
{
    private sealed class Held
    {
        public readonly List<Connection> Inbound = new(1);
        public int Listeners;
        /// <summary>Live listening sockets per port (a server on IPv4 and IPv6 has two on one port).</summary>
        public readonly Dictionary<int, int> ListenersByPort = [];
        /// <summary>Connections accepted per listening port, for as long as the process holds a server socket.</summary>
        public readonly Dictionary<int, int> AcceptedByPort = [];
    }

    private readonly Dictionary<ProcessKey, Held> _byProcess = [];
    /// <summary>Live outbound TCP connections to a loopback address, by local port: the other end of a local accept.</summary>
    private readonly Dictionary<int, Connection> _loopbackOutbound = [];

    public int Processes => _byProcess.Count;

    public void OnBirth(Connection c)
    {
        if (c.Direction == FlowDirection.Outbound && c.Protocol == FlowProtocol.Tcp && IPAddress.IsLoopback(c.RemoteAddress))
        {
            _loopbackOutbound[c.LocalPort] = c;
        }
        if (c.Direction == FlowDirection.Outbound || c.Process is not { } p)
        {
            return;
        }
        if (!_byProcess.TryGetValue(p.Key, out var h))
        {
            _byProcess[p.Key] = h = new Held();
        }
        if (c.Direction == FlowDirection.Listen)
        {
            h.Listeners++;
            h.ListenersByPort[c.LocalPort] = h.ListenersByPort.GetValueOrDefault(c.LocalPort) + 1;
        }
        else
        {
            h.Inbound.Add(c);
            h.AcceptedByPort[c.LocalPort] = h.AcceptedByPort.GetValueOrDefault(c.LocalPort) + 1;
        }
    }

    public void OnEnd(Connection c)
    {
        if (c.Direction == FlowDirection.Outbound && _loopbackOutbound.TryGetValue(c.LocalPort, out var o) && ReferenceEquals(o, c))
        {
            _loopbackOutbound.Remove(c.LocalPort);
        }
        if (c.Direction == FlowDirection.Outbound || c.Process is not { } p || !_byProcess.TryGetValue(p.Key, out var h))
        {
            return;
        }
        if (c.Direction == FlowDirection.Listen)
        {
            h.Listeners = Math.Max(0, h.Listeners - 1);
            if (h.ListenersByPort.TryGetValue(c.LocalPort, out var n) && n > 1)
            {
                h.ListenersByPort[c.LocalPort] = n - 1;
            }
            else
            {
                h.ListenersByPort.Remove(c.LocalPort);
            }
        }
        else
        {
            h.Inbound.Remove(c);
        }
        if (h.Listeners == 0 && h.Inbound.Count == 0)
        {
            _byProcess.Remove(p.Key);
        }
    }

    /// <summary>What a process holds now: live accepted connections and listening sockets.</summary>
    public (int Inbound, int Listeners) Holds(ProcessKey p) =>
        _byProcess.TryGetValue(p, out var h) ? (h.Inbound.Count, h.Listeners) : (0, 0);

    /// <summary>The process on this host that made an accepted loopback connection (its outbound end), or null.</summary>
    public ProcessNode? LocalClient(Connection inbound) =>
        IPAddress.IsLoopback(inbound.RemoteAddress) && _loopbackOutbound.TryGetValue(inbound.RemotePort, out var o) && o.RemotePort == inbound.LocalPort
            ? o.Process : null;

    /// <summary>On how many ports the process listens now.</summary>
    public int ListeningPorts(ProcessKey p) => _byProcess.TryGetValue(p, out var h) ? h.ListenersByPort.Count : 0;

    /// <summary>The process's newest live accepted connection born at or before <paramref name="atBootNs"/>, with how many its port has accepted.</summary>
    public (Connection Inbound, int AcceptedOnPort)? NewestInbound(ProcessKey p, long atBootNs)
    {
        if (!_byProcess.TryGetValue(p, out var h))
        {
            return null;
        }
        // In birth order (appended as born): the newest is found from the end, in constant time as a rule.
        for (var i = h.Inbound.Count - 1; i >= 0; i--)
        {
            var c = h.Inbound[i];
            if (c.BirthBootNs <= atBootNs)
            {
                return (c, h.AcceptedByPort.GetValueOrDefault(c.LocalPort));
            }
        }
        return null;
    }

    /// <summary>The record text of what a process holds besides an outbound connection: "inbound", "listen", both, or empty.</summary>
    public string HoldsText(ProcessKey p)
    {
        var (inbound, listeners) = Holds(p);
        return (inbound > 0, listeners > 0) switch
        {
            (true, true) => "inbound,listen",
            (true, false) => "inbound",
            (false, true) => "listen",
            _ => "",
        };
    }
}
