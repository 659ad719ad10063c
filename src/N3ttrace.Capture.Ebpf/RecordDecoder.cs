using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using N3ttrace.Capture.Ebpf.Native;
using N3ttrace.Connections;
using N3ttrace.Events;
using N3ttrace.Lineage;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Turns ring buffer records into capture events: a function of the bytes alone (and of the cgroup
/// names it is given), so tests decode crafted and malformed records without a kernel. Called on the
/// ring buffer thread: copies, never keeps the span.
/// </summary>
internal sealed class RecordDecoder(Func<ulong, string> cgroupPath)
{
    private const int AfInet = 2;

    /// <summary>Records too short for their kind, of an unknown kind, or whose variable part was cut short (posted in SourceCounters).</summary>
    public long Malformed { get; private set; }

    public CaptureEvent? Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            Malformed++;
            return null;
        }
        var kind = (EventKind)MemoryMarshal.Read<uint>(data);
        switch (kind)
        {
            case EventKind.ConnDeath when data.Length >= ConnRecord.DeathSize:
                ConnRecord d = default; // only its prefix was sent
                data[..ConnRecord.DeathSize].CopyTo(MemoryMarshal.AsBytes(new Span<ConnRecord>(ref d)));
                return new ConnectionClosed((long)d.TsNs, d.SockId, d.BytesAcked, d.BytesReceived, (long)d.ConnectNs);
            case EventKind.ConnBirth or EventKind.ConnFail or EventKind.Listen or EventKind.Accept when data.Length >= Marshal.SizeOf<ConnRecord>():
                return DecodeConn(MemoryMarshal.Read<ConnRecord>(data));
            case EventKind.UdpBirth when data.Length >= Marshal.SizeOf<UdpBirthRecord>():
                return DecodeUdpBirth(MemoryMarshal.Read<UdpBirthRecord>(data));
            case EventKind.UdpRelease when data.Length >= Marshal.SizeOf<UdpReleaseRecord>():
                var u = MemoryMarshal.Read<UdpReleaseRecord>(data);
                return new UdpSocketReleased((long)u.TsNs, u.Cookie);
            case EventKind.ProcFork when data.Length >= Marshal.SizeOf<ForkRecord>():
                var f = MemoryMarshal.Read<ForkRecord>(data);
                return new ProcessForked((long)f.TsNs, new ProcessKey((int)f.ParentTgid, f.ParentStartTicks),
                    new ProcessKey((int)f.ChildTgid, f.ChildStartTicks), CString(ForkComm(ref f)));
            case EventKind.ProcExit when data.Length >= Marshal.SizeOf<ExitRecord>():
                var x = MemoryMarshal.Read<ExitRecord>(data);
                return new ProcessExited((long)x.TsNs, new ProcessKey((int)x.Tgid, x.StartTicks));
            case EventKind.ProcExec when data.Length >= Marshal.SizeOf<ExecRecord>():
                return DecodeExec(data);
            case EventKind.ProcCtx when data.Length >= Marshal.SizeOf<CtxRecord>():
                return DecodeCtx(data);
            default:
                Malformed++;
                return null;
        }
    }

    private static unsafe ReadOnlySpan<byte> ForkComm(ref ForkRecord f)
    {
        fixed (byte* p = f.Comm)
        {
            return new ReadOnlySpan<byte>(p, 16).ToArray();
        }
    }

    private unsafe CaptureEvent DecodeConn(ConnRecord r)
    {
        // An accepted connection whose listener the kernel side never saw carries no owner (tgid 0).
        var owner = r.Tgid == 0 ? null : new SocketOwner(new ProcessKey((int)r.Tgid, r.StartTicks), (int)r.Tid, r.Uid, Comm(new ReadOnlySpan<byte>(r.Comm, 16)));
        var v4 = r.Family == AfInet;
        var local = new IPAddress(new ReadOnlySpan<byte>(r.Saddr, v4 ? 4 : 16));
        var remote = new IPAddress(new ReadOnlySpan<byte>(r.Daddr, v4 ? 4 : 16));
        var ep = new SocketEndpoints(local, r.Sport, remote, r.Dport, r.Netns);
        return (EventKind)r.Kind switch
        {
            EventKind.ConnBirth => new ConnectionOpened((long)r.ConnectNs, r.SockId, ep, owner, (long)r.TsNs, false, 0),
            EventKind.Listen => new ConnectionOpened((long)r.TsNs, r.SockId, ep, owner, (long)r.TsNs, false, 0, FlowDirection.Listen),
            EventKind.Accept => new ConnectionOpened((long)r.TsNs, r.SockId, ep, owner, (long)r.TsNs, false, 0, FlowDirection.Inbound),
            _ => new ConnectionFailed((long)r.TsNs, r.SockId, ep, owner, (long)r.ConnectNs),
        };
    }

    /// <summary>A UDP flow's first datagram: an outbound birth dated at that datagram, and the flow's key in n3t_udp_flows.</summary>
    private unsafe UdpFlowSeen DecodeUdpBirth(UdpBirthRecord b)
    {
        var r = b.Conn;
        var owner = new SocketOwner(new ProcessKey((int)r.Tgid, r.StartTicks), (int)r.Tid, r.Uid, Comm(new ReadOnlySpan<byte>(r.Comm, 16)));
        var v4 = r.Family == AfInet;
        var ep = new SocketEndpoints(new IPAddress(new ReadOnlySpan<byte>(r.Saddr, v4 ? 4 : 16)), r.Sport,
            new IPAddress(new ReadOnlySpan<byte>(r.Daddr, v4 ? 4 : 16)), r.Dport, r.Netns);
        var opened = new ConnectionOpened((long)r.TsNs, r.SockId, ep, owner, (long)r.TsNs, false, 0, FlowDirection.Outbound, FlowProtocol.Udp);
        var key = new UdpFlowKey { Cookie = b.Cookie, Dport = r.Dport, Family = r.Family };
        new ReadOnlySpan<byte>(r.Daddr, 16).CopyTo(new Span<byte>(key.Daddr, 16));
        return new UdpFlowSeen(opened, b.Cookie, b.Connected != 0, key, (long)b.PrevLastNs, b.PrevReplied != 0);
    }

    /// <summary>A busy process connects again and again under the same comm: decode it once.</summary>
    private string Comm(ReadOnlySpan<byte> raw)
    {
        if (_lastCommText is not null && raw.SequenceEqual(_lastComm))
        {
            return _lastCommText;
        }
        raw.CopyTo(_lastComm);
        return _lastCommText = CString(raw);
    }

    private readonly byte[] _lastComm = new byte[16];
    private string? _lastCommText;

    private unsafe CaptureEvent DecodeExec(ReadOnlySpan<byte> data)
    {
        var h = MemoryMarshal.Read<ExecRecord>(data);
        var body = data[Marshal.SizeOf<ExecRecord>()..];
        var total = (int)(h.ArgvLen + h.EnvLen + h.CwdLen + h.ExeLen);
        if (body.Length < total)
        {
            Malformed++;
            total = body.Length;
        }
        var flags = (ExecFlags)h.Flags;
        var argv = body[..(int)Math.Min(h.ArgvLen, (uint)body.Length)];
        body = body[argv.Length..];
        var env = body[..(int)Math.Min(h.EnvLen, (uint)body.Length)];
        body = body[env.Length..];
        var cwd = body[..(int)Math.Min(h.CwdLen, (uint)body.Length)];
        body = body[cwd.Length..];
        var exe = body[..(int)Math.Min(h.ExeLen, (uint)body.Length)];

        var truncated = new List<string>(2);
        if ((flags & (ExecFlags.ArgvTrunc | ExecFlags.ArgvFault)) != 0)
        {
            truncated.Add("argv");
        }
        if ((flags & (ExecFlags.EnvTrunc | ExecFlags.EnvFault)) != 0)
        {
            truncated.Add("env");
        }
        if ((flags & ExecFlags.CwdTrunc) != 0)
        {
            truncated.Add("cwd");
        }
        if ((flags & ExecFlags.ExeTrunc) != 0)
        {
            truncated.Add("exe");
        }
        var ctx = new ProcessContext
        {
            Comm = CString(new ReadOnlySpan<byte>(h.Comm, 16)),
            Exe = exe.IsEmpty ? "" : LeafFirstPath(exe),
            ExeDeleted = (flags & ExecFlags.ExeDeleted) != 0,
            Argv = argv.ToArray(),
            Cwd = LeafFirstPath(cwd),
            EnvSha256 = Convert.ToHexStringLower(SHA256.HashData(env)),
            Tty = TtyName.FromKernelName(CString(new ReadOnlySpan<byte>(h.Tty, 32))),
            Session = (int)h.Sid,
            LoginUid = h.LoginUid == uint.MaxValue ? -1 : h.LoginUid,
            Uid = h.Uid,
            Gid = h.Gid,
            Cgroup = cgroupPath(h.CgroupId),
            StdioSockets = (int)((h.Flags >> 7) & 7),
            Stdio = DecodeStdio(new ReadOnlySpan<byte>(h.Stdio, 48)),
            Truncated = truncated,
        };
        return new ProcessExeced((long)h.TsNs, new ProcessKey((int)h.Tgid, h.StartTicks),
            new ProcessKey((int)h.ParentTgid, h.ParentStartTicks), ctx);
    }

    internal static StdioFacts DecodeStdio(ReadOnlySpan<byte> raw)
    {
        var size = Marshal.SizeOf<FdRecord>();
        return new StdioFacts(Fd(raw), Fd(raw[size..]), Fd(raw[(2 * size)..]));

        static StdioFd Fd(ReadOnlySpan<byte> b)
        {
            var r = MemoryMarshal.Read<FdRecord>(b);
            var kind = r.Kind <= (byte)StdioKind.Other ? (StdioKind)r.Kind : StdioKind.Other;
            return new StdioFd(kind, r.Ino, r.Dev);
        }
    }

    private unsafe CaptureEvent DecodeCtx(ReadOnlySpan<byte> data)
    {
        var c = MemoryMarshal.Read<CtxRecord>(data);
        var body = data[Marshal.SizeOf<CtxRecord>()..];
        if (body.Length < c.CwdLen)
        {
            Malformed++;
        }
        var cwd = body[..(int)Math.Min(c.CwdLen, (uint)body.Length)];
        var flags = (CtxFlags)c.Flags;
        return new ProcessContextAtConnect((long)c.TsNs, new ProcessKey((int)c.Tgid, c.StartTicks), LeafFirstPath(cwd),
            (flags & CtxFlags.CwdTrunc) != 0, (flags & CtxFlags.ExeDeleted) != 0, (flags & CtxFlags.ArgvChanged) != 0,
            (int)c.Sid, TtyName.FromKernelName(CString(new ReadOnlySpan<byte>(c.Tty, 32))));
    }

    /// <summary>"c/b/a" (as the kernel walked it) to "/a/b/c".</summary>
    internal static string LeafFirstPath(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return "/";
        }
        var parts = ArgvText.Decode(raw).Split('/');
        Array.Reverse(parts);
        var sb = new StringBuilder(raw.Length + 1);
        foreach (var p in parts)
        {
            sb.Append('/').Append(p);
        }
        return sb.ToString();
    }

    private static string CString(ReadOnlySpan<byte> b)
    {
        var nul = b.IndexOf((byte)0);
        return ArgvText.Decode(nul < 0 ? b : b[..nul]);
    }
}
