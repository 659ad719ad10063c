using System.Globalization;
using System.Net;

namespace N3ttrace.ProcFs;

/// <summary>A row of /proc/net/tcp or tcp6.</summary>
public readonly record struct TcpSocketRow(IPAddress Local, int LocalPort, IPAddress Remote, int RemotePort, int State, uint Uid, ulong Inode);

/// <summary>Reads /proc/net/tcp{,6} and tells active opens (outbound) from listeners and accepted sockets.</summary>
public static class ProcNetTcp
{
    public const int Established = 1;
    public const int SynSent = 2;
    public const int Listen = 10;

    public static List<TcpSocketRow> Read(string procRoot = "/proc")
    {
        var rows = new List<TcpSocketRow>(256);
        ReadFile($"{procRoot}/net/tcp", v6: false, rows);
        ReadFile($"{procRoot}/net/tcp6", v6: true, rows);
        return rows;
    }

    private static void ReadFile(string path, bool v6, List<TcpSocketRow> rows)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path).Skip(1);
            foreach (var line in lines)
            {
                if (TryParse(line, v6, out var row))
                {
                    rows.Add(row);
                }
            }
        }
        catch (IOException)
        {
        }
    }

    public static bool TryParse(string line, bool v6, out TcpSocketRow row)
    {
        row = default;
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 10)
        {
            return false;
        }
        if (!TryEndpoint(f[1], v6, out var la, out var lp) || !TryEndpoint(f[2], v6, out var ra, out var rp))
        {
            return false;
        }
        row = new TcpSocketRow(la, lp, ra, rp,
            int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            uint.Parse(f[7], CultureInfo.InvariantCulture),
            ulong.Parse(f[9], CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>"0100007F:1F90": address as 32-bit words in host (little-endian) order, port in hex.</summary>
    private static bool TryEndpoint(string s, bool v6, out IPAddress addr, out int port)
    {
        addr = IPAddress.None;
        port = 0;
        var colon = s.IndexOf(':');
        if (colon < 0 || !int.TryParse(s.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }
        var hex = s.AsSpan(0, colon);
        var bytes = new byte[v6 ? 16 : 4];
        if (hex.Length != bytes.Length * 2)
        {
            return false;
        }
        for (var w = 0; w < bytes.Length / 4; w++)
        {
            var word = uint.Parse(hex.Slice(w * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            bytes[w * 4] = (byte)word;
            bytes[w * 4 + 1] = (byte)(word >> 8);
            bytes[w * 4 + 2] = (byte)(word >> 16);
            bytes[w * 4 + 3] = (byte)(word >> 24);
        }
        addr = new IPAddress(bytes);
        return true;
    }

    /// <summary>
    /// Established sockets that this host opened: not listeners, and not accepted from a
    /// listener (an accepted socket shares its local port with a listening socket).
    /// </summary>
    public static IEnumerable<TcpSocketRow> Outbound(IReadOnlyList<TcpSocketRow> rows)
    {
        var listening = new HashSet<int>();
        foreach (var r in rows)
        {
            if (r.State == Listen)
            {
                listening.Add(r.LocalPort);
            }
        }
        foreach (var r in rows)
        {
            if (r.State == Established && r.Inode != 0 && !listening.Contains(r.LocalPort))
            {
                yield return r;
            }
        }
    }
}
