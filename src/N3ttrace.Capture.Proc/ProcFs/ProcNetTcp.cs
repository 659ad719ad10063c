using System.Buffers;
using System.Net;
using System.Text;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>A row of /proc/net/tcp or tcp6 (or of a sock_diag dump, which carries the same fields).</summary>
public readonly record struct TcpSocketRow(IPAddress Local, int LocalPort, IPAddress Remote, int RemotePort, int State, uint Uid, ulong Inode);

/// <summary>
/// Reads /proc/net/tcp{,6} and tells active opens (outbound) from listeners and accepted sockets.
/// The parser works on the raw bytes (one read per file, no string per line): with thousands
/// of sockets it runs every poll cycle of the /proc fallback.
/// </summary>
public static class ProcNetTcp
{
    public const int Established = 1;
    public const int SynSent = 2;
    public const int SynRecv = 3;
    public const int FinWait1 = 4;
    public const int FinWait2 = 5;
    public const int TimeWait = 6;
    public const int Close = 7;
    public const int CloseWait = 8;
    public const int LastAck = 9;
    public const int Listen = 10;
    public const int Closing = 11;

    public static List<TcpSocketRow> Read(string procRoot = "/proc")
    {
        var rows = new List<TcpSocketRow>(256);
        ReadInto(procRoot, rows);
        return rows;
    }

    /// <summary>Appends the rows of both files to rows.</summary>
    public static void ReadInto(string procRoot, List<TcpSocketRow> rows)
    {
        ReadFile($"{procRoot}/net/tcp", v6: false, rows);
        ReadFile($"{procRoot}/net/tcp6", v6: true, rows);
    }

    private static void ReadFile(string path, bool v6, List<TcpSocketRow> rows)
    {
        byte[] buf = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var n = 0;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0))
            {
                int r;
                while ((r = fs.Read(buf, n, buf.Length - n)) > 0)
                {
                    n += r;
                    if (n == buf.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                        buf.AsSpan(0, n).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buf);
                        buf = bigger;
                    }
                }
            }
            Parse(buf.AsSpan(0, n), v6, rows);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Parses a whole file (header line first).</summary>
    public static void Parse(ReadOnlySpan<byte> text, bool v6, List<TcpSocketRow> rows)
    {
        var nl = text.IndexOf((byte)'\n');
        if (nl < 0)
        {
            return;
        }
        text = text[(nl + 1)..];
        while (!text.IsEmpty)
        {
            nl = text.IndexOf((byte)'\n');
            var line = nl < 0 ? text : text[..nl];
            text = nl < 0 ? [] : text[(nl + 1)..];
            if (TryParse(line, v6, out var row))
            {
                rows.Add(row);
            }
        }
    }

    public static bool TryParse(string line, bool v6, out TcpSocketRow row) => TryParse(Encoding.ASCII.GetBytes(line), v6, out row);

    /// <summary>"   0: 0100007F:AED9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1436986 ..."</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, bool v6, out TcpSocketRow row)
    {
        row = default;
        // Fields: 0 sl, 1 local, 2 remote, 3 st, 4 tx:rx, 5 tr:when, 6 retrnsmt, 7 uid, 8 timeout, 9 inode.
        Span<Range> f = stackalloc Range[11];
        var count = 0;
        var i = 0;
        while (count < f.Length && i < line.Length)
        {
            while (i < line.Length && line[i] == (byte)' ')
            {
                i++;
            }
            var start = i;
            while (i < line.Length && line[i] != (byte)' ')
            {
                i++;
            }
            if (i > start)
            {
                f[count++] = start..i;
            }
        }
        if (count < 10)
        {
            return false;
        }
        if (!TryEndpoint(line[f[1]], v6, out var la, out var lp) || !TryEndpoint(line[f[2]], v6, out var ra, out var rp)
            || !TryHex(line[f[3]], out var state) || !TryDec(line[f[7]], out var uid) || !TryDec(line[f[9]], out var inode))
        {
            return false;
        }
        row = new TcpSocketRow(la, lp, ra, rp, (int)state, (uint)uid, inode);
        return true;
    }

    /// <summary>"0100007F:1F90": address as 32-bit words in host (little-endian) order, port in hex.</summary>
    private static bool TryEndpoint(ReadOnlySpan<byte> s, bool v6, out IPAddress addr, out int port)
    {
        addr = IPAddress.None;
        port = 0;
        var colon = s.IndexOf((byte)':');
        var len = v6 ? 16 : 4;
        if (colon != len * 2 || !TryHex(s[(colon + 1)..], out var p))
        {
            return false;
        }
        port = (int)p;
        Span<byte> bytes = stackalloc byte[16];
        for (var w = 0; w < len / 4; w++)
        {
            if (!TryHex(s.Slice(w * 8, 8), out var word))
            {
                return false;
            }
            bytes[w * 4] = (byte)word;
            bytes[w * 4 + 1] = (byte)(word >> 8);
            bytes[w * 4 + 2] = (byte)(word >> 16);
            bytes[w * 4 + 3] = (byte)(word >> 24);
        }
        addr = new IPAddress(bytes[..len]);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<byte> s, out ulong v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 16)
        {
            return false;
        }
        foreach (var c in s)
        {
            var d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }
            v = (v << 4) | (uint)d;
        }
        return true;
    }

    private static bool TryDec(ReadOnlySpan<byte> s, out ulong v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 19)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            v = v * 10 + (ulong)(c - '0');
        }
        return true;
    }

    /// <summary>States a socket can only be in after its handshake completed.</summary>
    public static bool WasEstablished(int state) =>
        state is Established or FinWait1 or FinWait2 or CloseWait or LastAck or Closing;

    /// <summary>
    /// Whether a socket seen for the first time is an active open (this host called connect()).
    /// SYN_SENT is connect() in progress: always active. An established socket is active unless
    /// its local port is a listening port (accepted sockets share the listener's port). Listeners,
    /// half-open passive sockets and sockets without an inode (time-wait, orphans) are not.
    /// Decide once, at first sight: an accepted socket is first seen while its listener exists.
    /// </summary>
    public static bool IsActiveOpen(in TcpSocketRow r, IReadOnlySet<int> listeningPorts) =>
        r.Inode != 0 && (r.State == SynSent || (WasEstablished(r.State) && !listeningPorts.Contains(r.LocalPort)));

    /// <summary>Local ports of every listening socket, IPv4 and IPv6 alike (a [::] listener accepts both).</summary>
    public static HashSet<int> ListeningPorts(IReadOnlyList<TcpSocketRow> rows)
    {
        var listening = new HashSet<int>();
        foreach (var r in rows)
        {
            if (r.State == Listen)
            {
                listening.Add(r.LocalPort);
            }
        }
        return listening;
    }

    /// <summary>Established sockets that this host opened (see <see cref="IsActiveOpen"/>).</summary>
    public static IEnumerable<TcpSocketRow> Outbound(IReadOnlyList<TcpSocketRow> rows)
    {
        var listening = ListeningPorts(rows);
        foreach (var r in rows)
        {
            if (r.State == Established && IsActiveOpen(r, listening))
            {
                yield return r;
            }
        }
    }
}
