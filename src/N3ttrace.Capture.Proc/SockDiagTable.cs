using Microsoft.Win32.SafeHandles;
using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using N3ttrace.Capture.Proc.Native;
using N3ttrace.Interop;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;

namespace N3ttrace.Capture.Proc;

/// <summary>
/// Sockets from a netlink sock_diag (INET_DIAG) dump: binary records, filtered by state in the
/// kernel, no text to format or parse. Needs no BPF, only a netlink socket (root or not; a
/// container without NETLINK_SOCK_DIAG falls back to /proc/net/tcp).
/// </summary>
internal sealed class SockDiagTable : ISocketTable
{
    // The states a poll needs: listeners (to tell accepted sockets), connect() in progress, and
    // every state reachable only after the handshake. TIME_WAIT, SYN_RECV and CLOSE are left in the kernel.
    private const uint States = (1u << ProcNetTcp.Established) | (1u << ProcNetTcp.SynSent) | (1u << ProcNetTcp.FinWait1)
        | (1u << ProcNetTcp.FinWait2) | (1u << ProcNetTcp.CloseWait) | (1u << ProcNetTcp.LastAck)
        | (1u << ProcNetTcp.Listen) | (1u << ProcNetTcp.Closing);

    private const int MsgSize = 72; // struct inet_diag_msg
    private readonly SafeFileHandle _fd;
    private readonly byte[] _buf = new byte[64 * 1024];
    private uint _seq;

    public string Name => "sock_diag";

    private SockDiagTable(SafeFileHandle fd) => _fd = fd;

    /// <summary>Opens the netlink socket and proves a dump works; null (and a log line) when it does not.</summary>
    public static SockDiagTable? TryOpen(ILogger log)
    {
        var fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Netlink.NETLINK_SOCK_DIAG);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            log.LogInformation("sock_diag unavailable ({Error}); reading /proc/net/tcp", Marshal.GetLastPInvokeErrorMessage());
            return null;
        }
        var t = new SockDiagTable(fd);
        try
        {
            t.ReadInto([]);
            return t;
        }
        catch (IOException e)
        {
            log.LogInformation("sock_diag dump failed ({Error}); reading /proc/net/tcp", e.Message);
            t.Dispose();
            return null;
        }
    }

    public void ReadInto(List<TcpSocketRow> rows)
    {
        Dump(Netlink.AF_INET, rows);
        Dump(Netlink.AF_INET6, rows);
    }

    private unsafe void Dump(byte family, List<TcpSocketRow> rows)
    {
        // struct nlmsghdr (16) + struct inet_diag_req_v2 (56).
        Span<byte> req = stackalloc byte[72];
        req.Clear();
        var seq = ++_seq;
        BinaryPrimitives.WriteUInt32LittleEndian(req, 72);
        BinaryPrimitives.WriteUInt16LittleEndian(req[4..], Netlink.SOCK_DIAG_BY_FAMILY);
        BinaryPrimitives.WriteUInt16LittleEndian(req[6..], Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
        BinaryPrimitives.WriteUInt32LittleEndian(req[8..], seq);
        req[16] = family;
        req[17] = Netlink.IPPROTO_TCP;
        BinaryPrimitives.WriteUInt32LittleEndian(req[20..], States);
        fixed (byte* p = req)
        {
            if (LibC.Send(_fd, p, (nuint)req.Length, 0) < 0)
            {
                throw new IOException($"sock_diag send: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        while (true)
        {
            nint n;
            fixed (byte* p = _buf)
            {
                n = LibC.Recv(_fd, p, (nuint)_buf.Length, 0);
            }
            if (n < 0)
            {
                throw new IOException($"sock_diag recv: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            var data = _buf.AsSpan(0, (int)n);
            while (data.Length >= 16)
            {
                var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
                if (len < 16 || len > data.Length)
                {
                    throw new IOException("sock_diag: malformed netlink message");
                }
                if (BinaryPrimitives.ReadUInt32LittleEndian(data[8..]) == seq)
                {
                    if (type == Netlink.NLMSG_DONE)
                    {
                        return;
                    }
                    if (type == Netlink.NLMSG_ERROR)
                    {
                        var err = -BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
                        throw new IOException($"sock_diag: {Marshal.GetPInvokeErrorMessage(err)}");
                    }
                    if (type == Netlink.SOCK_DIAG_BY_FAMILY && len >= 16 + MsgSize)
                    {
                        rows.Add(Decode(data.Slice(16, MsgSize)));
                    }
                }
                data = data[Math.Min(data.Length, (len + 3) & ~3)..];
            }
        }
    }

    /// <summary>An exact lookup by 4-tuple (no dump): one request, one reply, a few microseconds.</summary>
    public unsafe bool? Exists(SocketEndpoints ep, ulong inode)
    {
        var v6 = ep.Local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Span<byte> req = stackalloc byte[72];
        req.Clear();
        var seq = ++_seq;
        BinaryPrimitives.WriteUInt32LittleEndian(req, 72);
        BinaryPrimitives.WriteUInt16LittleEndian(req[4..], Netlink.SOCK_DIAG_BY_FAMILY);
        BinaryPrimitives.WriteUInt16LittleEndian(req[6..], Netlink.NLM_F_REQUEST);
        BinaryPrimitives.WriteUInt32LittleEndian(req[8..], seq);
        req[16] = v6 ? Netlink.AF_INET6 : Netlink.AF_INET;
        req[17] = Netlink.IPPROTO_TCP;
        BinaryPrimitives.WriteUInt32LittleEndian(req[20..], uint.MaxValue);
        BinaryPrimitives.WriteUInt16BigEndian(req[24..], (ushort)ep.LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(req[26..], (ushort)ep.RemotePort);
        if (!ep.Local.TryWriteBytes(req[28..44], out _) || !ep.Remote.TryWriteBytes(req[44..60], out _))
        {
            return null;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(req[64..], ulong.MaxValue); // INET_DIAG_NOCOOKIE
        fixed (byte* p = req)
        {
            if (LibC.Send(_fd, p, (nuint)req.Length, 0) < 0)
            {
                return null;
            }
        }
        while (true)
        {
            nint n;
            fixed (byte* p = _buf)
            {
                n = LibC.Recv(_fd, p, (nuint)_buf.Length, 0);
            }
            if (n < 16)
            {
                return null;
            }
            var data = _buf.AsSpan(0, (int)n);
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[8..]) != seq)
            {
                continue; // a late reply to an earlier request
            }
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (type == Netlink.NLMSG_ERROR)
            {
                var err = -BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
                return err == 2 ? false : null; // ENOENT: gone
            }
            if (type == Netlink.SOCK_DIAG_BY_FAMILY && n >= 16 + MsgSize)
            {
                // A time-wait remnant has inode 0: the socket we followed is closed.
                return Decode(data.Slice(16, MsgSize)).Inode == inode;
            }
            return null;
        }
    }

    /// <summary>struct inet_diag_msg: family, state, timer, retrans, sockid {sport, dport (big-endian), src[16], dst[16], if, cookie[2]}, expires, rqueue, wqueue, uid, inode.</summary>
    internal static TcpSocketRow Decode(ReadOnlySpan<byte> m)
    {
        var v6 = m[0] == Netlink.AF_INET6;
        var alen = v6 ? 16 : 4;
        return new TcpSocketRow(
            new IPAddress(m.Slice(8, alen)), BinaryPrimitives.ReadUInt16BigEndian(m[4..]),
            new IPAddress(m.Slice(24, alen)), BinaryPrimitives.ReadUInt16BigEndian(m[6..]),
            m[1], BinaryPrimitives.ReadUInt32LittleEndian(m[64..]), BinaryPrimitives.ReadUInt32LittleEndian(m[68..]));
    }

    public void Dispose() => _fd.Dispose();
}
