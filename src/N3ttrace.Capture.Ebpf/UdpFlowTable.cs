using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Events;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// The UDP flows alive in user space. The kernel reports a flow's first datagram (deduplicated there); this table turns
/// it into a birth, ends every flow of a released socket, and ends an unconnected flow that went idle, reading when it
/// last sent and whether it was answered from n3t_udp_flows (the kernel applies the same timeouts: a datagram after them
/// is reported as a new flow, with its predecessor's last send). That map is an LRU an attacker can flood: a flow found
/// missing there was evicted (it ends at the last send seen plus the timeout, counted in <see cref="Evicted"/>), and a
/// first datagram the kernel reports again for a flow alive here is a refill (no second birth, counted in <see cref="Refilled"/>).
/// </summary>
internal sealed class UdpFlowTable(UdpIdleTimeouts timeouts)
{
    private sealed class Flow(ulong key, UdpFlowKey mapKey, ulong cookie, bool connected, long lastNs)
    {
        public ulong Key { get; } = key;
        public UdpFlowKey MapKey { get; } = mapKey;
        public ulong Cookie { get; } = cookie;
        public bool Connected { get; } = connected;
        public long LastNs { get; set; } = lastNs;
        public bool Replied { get; set; }
    }

    /// <summary>Reads an unconnected flow's entry in n3t_udp_flows; false when the LRU no longer holds it.</summary>
    public delegate bool FlowLookup(in UdpFlowKey key, out UdpFlowValue value);

    private readonly Dictionary<(ulong Cookie, UInt128 Addr, int PortFamily), Flow> _byFlow = [];
    private readonly Dictionary<ulong, List<Flow>> _bySocket = [];
    private readonly long _unrepliedNs = (long)(timeouts.Unreplied.TotalMilliseconds * 1_000_000);
    private readonly long _repliedNs = (long)(timeouts.Replied.TotalMilliseconds * 1_000_000);

    /// <summary>Flows alive (both kinds).</summary>
    public int Count { get; private set; }
    /// <summary>Unconnected flows whose entry the kernel's LRU lost while they were alive here.</summary>
    public long Evicted { get; private set; }
    /// <summary>First datagrams reported again for a flow alive here (its entry had been evicted and was made anew).</summary>
    public long Refilled { get; private set; }
    /// <summary>Flows ended by the idle timeout.</summary>
    public long Idle { get; private set; }

    public void OnSeen(UdpFlowSeen s, IEventSink sink)
    {
        if (!s.Connected && _byFlow.TryGetValue(Id(s.Flow), out var known))
        {
            if (s.PrevLastNs == 0)
            {
                Refilled++;
                known.LastNs = Math.Max(known.LastNs, s.BootNs);
                return;
            }
            // The kernel found it idle: it ended when its timeout ran out, before this new flow on the same key.
            // The kernel's word on the predecessor is final (a sweep may have read the new flow's times already).
            known.LastNs = s.PrevLastNs;
            known.Replied = s.PrevReplied;
            End(known, Math.Min(known.LastNs + Timeout(known), s.BootNs), sink);
        }
        var flow = new Flow(s.Opened.Key, s.Flow, s.Cookie, s.Connected, s.BootNs);
        if (!s.Connected)
        {
            _byFlow[Id(s.Flow)] = flow;
        }
        if (!_bySocket.TryGetValue(s.Cookie, out var list))
        {
            _bySocket[s.Cookie] = list = [];
        }
        list.Add(flow);
        Count++;
        sink.Post(s.Opened);
    }

    public void OnReleased(UdpSocketReleased r, IEventSink sink)
    {
        if (!_bySocket.Remove(r.Cookie, out var list))
        {
            return;
        }
        foreach (var f in list)
        {
            if (!f.Connected)
            {
                _byFlow.Remove(Id(f.MapKey));
            }
            Count--;
            sink.Post(new ConnectionClosed(r.BootNs, f.Key, 0, 0));
        }
    }

    /// <summary>Ends the unconnected flows idle at <paramref name="nowBootNs"/>; looks up only those that seem idle from what is known here.</summary>
    public void Sweep(long nowBootNs, FlowLookup lookup, IEventSink sink)
    {
        List<Flow>? ended = null;
        foreach (var f in _byFlow.Values)
        {
            if (nowBootNs < f.LastNs + Timeout(f))
            {
                continue;
            }
            if (lookup(f.MapKey, out var v))
            {
                // The entry may carry another id (refilled after an eviction, or born again after idling: that
                // birth, on its way, ends this flow): its times are this key's either way.
                f.LastNs = Math.Max(f.LastNs, (long)v.LastNs);
                f.Replied |= v.ReplyNs != 0;
                if (nowBootNs < f.LastNs + Timeout(f))
                {
                    continue;
                }
            }
            else
            {
                Evicted++;
            }
            (ended ??= []).Add(f);
        }
        foreach (var f in ended ?? [])
        {
            Idle++;
            End(f, f.LastNs + Timeout(f), sink);
        }
    }

    private void End(Flow f, long atNs, IEventSink sink)
    {
        _byFlow.Remove(Id(f.MapKey));
        if (_bySocket.TryGetValue(f.Cookie, out var list))
        {
            list.Remove(f);
            if (list.Count == 0)
            {
                _bySocket.Remove(f.Cookie);
            }
        }
        Count--;
        sink.Post(new ConnectionClosed(atNs, f.Key, 0, 0));
    }

    private long Timeout(Flow f) => f.Replied ? _repliedNs : _unrepliedNs;

    private static unsafe (ulong, UInt128, int) Id(UdpFlowKey k)
    {
        var a = *(UInt128*)k.Daddr;
        return (k.Cookie, a, k.Dport | (k.Family << 16));
    }
}
