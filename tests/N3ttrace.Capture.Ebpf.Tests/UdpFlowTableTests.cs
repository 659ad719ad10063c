using System.Net;
using System.Runtime.InteropServices;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Connections;
using N3ttrace.Events;

namespace N3ttrace.Capture.Ebpf.Tests;

/// <summary>UDP flows in user space: births from the kernel's first datagrams, deaths at release, idle, eviction and refill.</summary>
public unsafe class UdpFlowTableTests
{
    private const long S = 1_000_000_000;

    private sealed class Sink : IEventSink
    {
        public List<CaptureEvent> Events { get; } = [];
        public void Post(CaptureEvent e) => Events.Add(e);
        public IEnumerable<ConnectionOpened> Births => Events.OfType<ConnectionOpened>();
        public IEnumerable<ConnectionClosed> Deaths => Events.OfType<ConnectionClosed>();
    }

    private static UdpFlowKey Key(ulong cookie, int port)
    {
        var k = new UdpFlowKey { Cookie = cookie, Dport = (ushort)port, Family = 2 };
        k.Daddr[0] = 127;
        k.Daddr[3] = 1;
        return k;
    }

    private static UdpFlowSeen Seen(ulong flowId, ulong cookie, int port, long ns, bool connected = false, long prevLast = 0)
    {
        var ep = new SocketEndpoints(IPAddress.Any, 5000, IPAddress.Loopback, port);
        var opened = new ConnectionOpened(ns, flowId, ep, null, ns, false, 0, FlowDirection.Outbound, FlowProtocol.Udp);
        return new UdpFlowSeen(opened, cookie, connected, Key(cookie, port), prevLast);
    }

    private static readonly UdpIdleTimeouts Timeouts = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120));

    private static bool Missing(in UdpFlowKey k, out UdpFlowValue v)
    {
        v = default;
        return false;
    }

    [Fact]
    public void Every_flow_of_a_released_socket_dies_at_the_release()
    {
        var t = new UdpFlowTable(Timeouts);
        var sink = new Sink();
        t.OnSeen(Seen(1, 7, 53, 1 * S), sink);
        t.OnSeen(Seen(2, 7, 54, 2 * S), sink);
        t.OnSeen(Seen(3, 8, 443, 2 * S, connected: true), sink);
        t.OnSeen(Seen(4, 8, 444, 2 * S), sink); // the same socket also sent unconnected
        Assert.Equal(4, t.Count);
        t.OnReleased(new UdpSocketReleased(5 * S, 7), sink);
        Assert.Equal([1UL, 2UL], sink.Deaths.Select(d => d.Key).Order());
        Assert.All(sink.Deaths, d => Assert.Equal(5 * S, d.BootNs));
        t.OnReleased(new UdpSocketReleased(6 * S, 8), sink);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], sink.Deaths.Select(d => d.Key).Order());
        Assert.Equal(0, t.Count);
        t.OnReleased(new UdpSocketReleased(7 * S, 9), sink); // a socket never seen: nothing
        Assert.Equal(4, sink.Deaths.Count());
    }

    [Fact]
    public void An_idle_flow_dies_at_its_last_send_plus_the_timeout_read_from_the_kernel_map()
    {
        var t = new UdpFlowTable(Timeouts);
        var sink = new Sink();
        t.OnSeen(Seen(1, 7, 53, 10 * S), sink);
        t.OnSeen(Seen(2, 7, 54, 10 * S), sink);
        var last = new Dictionary<int, UdpFlowValue>
        {
            [53] = new() { FlowId = 1, LastNs = 25 * S }, // sent again at 25 s, never answered
            [54] = new() { FlowId = 2, LastNs = 12 * S, ReplyNs = 13 * S }, // answered: 120 s
        };
        bool Lookup(in UdpFlowKey k, out UdpFlowValue v) => last.TryGetValue(k.Dport, out v);
        t.Sweep(39 * S, Lookup, sink);
        Assert.Empty(sink.Deaths); // nothing idle by what was known (birth + 30 s = 40 s)
        t.Sweep(41 * S, Lookup, sink);
        Assert.Empty(sink.Deaths); // looked up: 53 sent at 25 s, 54 was answered
        t.Sweep(55 * S, Lookup, sink);
        var d = Assert.Single(sink.Deaths);
        Assert.Equal((1UL, 55 * S), (d.Key, d.BootNs));
        t.Sweep(132 * S, Lookup, sink);
        Assert.Equal((2UL, 132 * S), (sink.Deaths.Last().Key, sink.Deaths.Last().BootNs));
        Assert.Equal(2, t.Idle);
        Assert.Equal(0, t.Evicted);
        t.OnReleased(new UdpSocketReleased(200 * S, 7), sink);
        Assert.Equal(2, sink.Deaths.Count()); // ended once
    }

    [Fact]
    public void Connected_flows_end_only_with_their_socket()
    {
        var t = new UdpFlowTable(Timeouts);
        var sink = new Sink();
        t.OnSeen(Seen(1, 7, 443, 1 * S, connected: true), sink);
        t.Sweep(1000 * S, Missing, sink);
        Assert.Empty(sink.Deaths);
        Assert.Equal(0, t.Evicted);
    }

    [Fact]
    public void An_evicted_entry_is_counted_and_its_refill_is_no_second_birth()
    {
        var t = new UdpFlowTable(Timeouts);
        var sink = new Sink();
        t.OnSeen(Seen(1, 7, 53, 1 * S), sink);
        t.OnSeen(Seen(9, 7, 53, 5 * S), sink); // the LRU lost it and made it anew
        Assert.Single(sink.Births);
        Assert.Equal(1, t.Refilled);
        t.Sweep(40 * S, Missing, sink); // evicted again, idle by what is known (last 5 s)
        Assert.Equal(1, t.Evicted);
        var d = Assert.Single(sink.Deaths);
        Assert.Equal((1UL, 35 * S), (d.Key, d.BootNs));
    }

    [Fact]
    public void A_flow_born_again_after_idling_ends_its_predecessor_at_the_kernels_last_send()
    {
        var t = new UdpFlowTable(Timeouts);
        var sink = new Sink();
        t.OnSeen(Seen(1, 7, 53, 1 * S), sink);
        // The kernel found it idle before the sweep did: a new flow id, with the predecessor's last send.
        t.OnSeen(Seen(2, 7, 53, 50 * S, prevLast: 4 * S), sink);
        Assert.Equal([1UL, 2UL], sink.Births.Select(b => b.Key));
        var d = Assert.Single(sink.Deaths);
        Assert.Equal((1UL, 34 * S), (d.Key, d.BootNs));
        Assert.Equal(1, t.Count);
        t.OnReleased(new UdpSocketReleased(60 * S, 7), sink);
        Assert.Equal((2UL, 60 * S), (sink.Deaths.Last().Key, sink.Deaths.Last().BootNs));
    }

    [Fact]
    public void A_udp_birth_record_decodes_to_a_udp_flow_with_its_map_key()
    {
        var r = new UdpBirthRecord
        {
            Conn = new ConnRecord { Kind = (uint)EventKind.UdpBirth, Family = 2, TsNs = 5_000, ConnectNs = 5_000, SockId = 42, Tgid = 4242, Tid = 4242, StartTicks = 9, Sport = 5000, Dport = 53 },
            Cookie = 77,
            Connected = 0,
            PrevLastNs = 1_000,
            PrevReplied = 1,
        };
        r.Conn.Daddr[0] = 10;
        r.Conn.Daddr[3] = 9;
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<UdpBirthRecord>(in r)).ToArray();
        var seen = Assert.IsType<UdpFlowSeen>(new RecordDecoder(_ => "").Decode(bytes));
        Assert.Equal(FlowProtocol.Udp, seen.Opened.Protocol);
        Assert.Equal(FlowDirection.Outbound, seen.Opened.Direction);
        Assert.Equal(42UL, seen.Opened.Key);
        Assert.Equal(5_000, seen.Opened.BootNs);
        Assert.Equal(IPAddress.Parse("10.0.0.9"), seen.Opened.Endpoints.Remote);
        Assert.Equal(4242, seen.Opened.Owner!.Process.Tgid);
        Assert.Equal((77UL, 53, 2), (seen.Flow.Cookie, (int)seen.Flow.Dport, (int)seen.Flow.Family));
        var flow = seen.Flow;
        Assert.Equal(10, flow.Daddr[0]);
        Assert.Equal((1_000L, true, false), (seen.PrevLastNs, seen.PrevReplied, seen.Connected));

        var rel = new UdpReleaseRecord { Kind = (uint)EventKind.UdpRelease, TsNs = 8_000, Cookie = 77 };
        var released = Assert.IsType<UdpSocketReleased>(new RecordDecoder(_ => "").Decode(MemoryMarshal.AsBytes(new ReadOnlySpan<UdpReleaseRecord>(in rel)).ToArray()));
        Assert.Equal((8_000L, 77UL), (released.BootNs, released.Cookie));
        // Cut short: malformed, never half a flow.
        var d = new RecordDecoder(_ => "");
        Assert.Null(d.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Equal(1, d.Malformed);
    }
}
