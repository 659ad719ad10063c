using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Events;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Ebpf.Tests;

/// <summary>Ring buffer records decoded from bytes, as the kernel lays them out (bpf/n3ttrace.h): crafted and malformed.</summary>
public unsafe class RecordDecoderTests
{
    private static RecordDecoder NewDecoder() => new(id => $"/cgroup-{id}");

    private static byte[] Bytes<T>(T record) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in record)).ToArray();

    private static void Put(byte* dst, int size, string text) => Encoding.ASCII.GetBytes(text).AsSpan().CopyTo(new Span<byte>(dst, size));

    private static ConnRecord Conn(EventKind kind, ushort family, byte[] saddr, byte[] daddr)
    {
        var r = new ConnRecord
        {
            Kind = (uint)kind, Family = family, TsNs = 2_000, ConnectNs = 1_000, SockId = 0xfeed, Tgid = 4242, Tid = 4243,
            Uid = 1000, Sport = 40000, Dport = 443, StartTicks = 777, BytesAcked = 5, BytesReceived = 6,
        };
        saddr.CopyTo(new Span<byte>(r.Saddr, 16));
        daddr.CopyTo(new Span<byte>(r.Daddr, 16));
        Put(r.Comm, 16, "curl");
        return r;
    }

    [Fact]
    public void An_ipv4_birth_becomes_a_connection_opened_with_its_owner()
    {
        var d = NewDecoder();
        var e = Assert.IsType<ConnectionOpened>(d.Decode(Bytes(Conn(EventKind.ConnBirth, 2, [10, 0, 0, 1], [93, 184, 216, 34]))));
        Assert.Equal(1_000, e.BootNs); // born at connect(), not at ESTABLISHED
        Assert.Equal(0xfeedUL, e.Key);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), e.Endpoints.Local);
        Assert.Equal(IPAddress.Parse("93.184.216.34"), e.Endpoints.Remote);
        Assert.Equal((40000, 443), (e.Endpoints.LocalPort, e.Endpoints.RemotePort));
        Assert.Equal(new ProcessKey(4242, 777), e.Owner!.Process);
        Assert.Equal((4243, 1000u, "curl"), (e.Owner.Tid, e.Owner.Uid, e.Owner.Comm));
        Assert.Equal(0, d.Malformed);
    }

    [Fact]
    public void An_ipv6_failure_becomes_a_connection_failed()
    {
        var remote = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var e = Assert.IsType<ConnectionFailed>(NewDecoder().Decode(Bytes(Conn(EventKind.ConnFail, 10, IPAddress.IPv6Loopback.GetAddressBytes(), remote))));
        Assert.Equal(2_000, e.BootNs);
        Assert.Equal(1_000, e.ConnectBootNs);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), e.Endpoints.Remote);
    }

    [Fact]
    public void A_death_is_sent_as_the_prefix_of_the_connection_record()
    {
        var full = Bytes(Conn(EventKind.ConnDeath, 2, [10, 0, 0, 1], [10, 0, 0, 2]));
        var e = Assert.IsType<ConnectionClosed>(NewDecoder().Decode(full.AsSpan(0, ConnRecord.DeathSize)));
        Assert.Equal((2_000L, 0xfeedUL, 5UL, 6UL), (e.BootNs, e.Key, e.BytesSent, e.BytesReceived));
        // The birth's time travels with the death: a resumed run names a connection an earlier run wrote the birth of.
        Assert.Equal(1_000L, e.BirthBootNs);
    }

    private static byte[] Exec(string argv, string env, string cwdLeafFirst, string exeLeafFirst, int cutBody = 0)
    {
        var h = new ExecRecord
        {
            Kind = (uint)EventKind.ProcExec, Tgid = 50, TsNs = 9, StartTicks = 51, CgroupId = 1234, ParentTgid = 40, ParentStartTicks = 41,
            Uid = 0, Gid = 0, LoginUid = uint.MaxValue, Sid = 50, Flags = (uint)(ExecFlags.CwdTrunc | ExecFlags.StdinSock | ExecFlags.StdoutSock),
            ArgvLen = (uint)argv.Length, EnvLen = (uint)env.Length, CwdLen = (uint)cwdLeafFirst.Length, ExeLen = (uint)exeLeafFirst.Length,
        };
        Put(h.Comm, 16, "sh");
        Put(h.Tty, 32, "pts3");
        var body = Encoding.ASCII.GetBytes(argv + env + cwdLeafFirst + exeLeafFirst);
        return [.. Bytes(h), .. body.AsSpan(0, body.Length - cutBody)];
    }

    [Fact]
    public void An_exec_carries_argv_cwd_exe_and_context()
    {
        var d = NewDecoder();
        var e = Assert.IsType<ProcessExeced>(d.Decode(Exec("sh\0-c\0id\0", "A=1\0", "tmp/var", "sh/bin/usr")));
        Assert.Equal(new ProcessKey(50, 51), e.Process);
        Assert.Equal(new ProcessKey(40, 41), e.Parent);
        var c = e.Context;
        Assert.Equal("sh -c id", c.CommandLine);
        Assert.Equal("/var/tmp", c.Cwd);
        Assert.Equal("/usr/bin/sh", c.Exe);
        Assert.Equal("/cgroup-1234", c.Cgroup);
        Assert.Equal("pts/3", c.Tty);
        Assert.Equal(-1, c.LoginUid);
        Assert.Equal(3, c.StdioSockets);
        Assert.Equal(["cwd"], c.Truncated);
        Assert.Equal(0, d.Malformed);
    }

    [Fact]
    public void An_exec_cut_short_keeps_what_arrived_and_is_counted()
    {
        var d = NewDecoder();
        var e = Assert.IsType<ProcessExeced>(d.Decode(Exec("sh\0", "", "tmp", "sh/bin", cutBody: 4)));
        Assert.Equal("/tmp", e.Context.Cwd);
        Assert.Equal("/sh", e.Context.Exe); // 2 of its 6 bytes arrived
        Assert.Equal(1, d.Malformed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Too_short_for_a_kind_is_malformed(int length)
    {
        var d = NewDecoder();
        Assert.Null(d.Decode(new byte[length]));
        Assert.Equal(1, d.Malformed);
    }

    [Fact]
    public void An_unknown_kind_or_a_record_shorter_than_its_kind_is_malformed_and_nothing_is_read_past_it()
    {
        var d = NewDecoder();
        Assert.Null(d.Decode(BitConverter.GetBytes(99u)));
        var birth = Bytes(Conn(EventKind.ConnBirth, 2, [10, 0, 0, 1], [10, 0, 0, 2]));
        Assert.Null(d.Decode(birth.AsSpan(0, birth.Length - 1)));
        Assert.Null(d.Decode(birth.AsSpan(0, ConnRecord.DeathSize - 1).ToArray().Select((b, i) => i == 0 ? (byte)EventKind.ConnDeath : b).ToArray()));
        Assert.Null(d.Decode(BitConverter.GetBytes((uint)EventKind.ProcExec)));
        Assert.Equal(4, d.Malformed);
    }
}
