using System.Globalization;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// How many accepted (inbound) TCP connections a process holds, from /proc: its socket inodes (first 256 fds) matched
/// against its network namespace's TCP table, where an established socket whose local port is a listening port was
/// accepted. Bounded reads; used only for a network tool's connection in its first seconds (relay check).
/// </summary>
public static class InboundSockets
{
    private const int MaxFds = 256;
    private const int MaxLines = 65536;

    public static int Count(int pid, string procRoot = "/proc")
    {
        var inodes = new HashSet<ulong>();
        try
        {
            var n = 0;
            foreach (var fd in Directory.EnumerateFileSystemEntries($"{procRoot}/{pid}/fd"))
            {
                if (++n > MaxFds)
                {
                    break;
                }
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && ulong.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var ino))
                {
                    inodes.Add(ino);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        if (inodes.Count < 2)
        {
            return 0; // the outbound connection itself, nothing else
        }
        var listening = new HashSet<string>(StringComparer.Ordinal);
        var established = new List<(string Port, ulong Inode)>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            try
            {
                var lines = 0;
                foreach (var line in File.ReadLines($"{procRoot}/{pid}/net/{table}"))
                {
                    if (++lines > MaxLines)
                    {
                        break;
                    }
                    var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length < 10 || f[0] == "sl")
                    {
                        continue;
                    }
                    var port = f[1][(f[1].LastIndexOf(':') + 1)..];
                    if (f[3] == "0A")
                    {
                        listening.Add(port);
                    }
                    else if (f[3] == "01" && ulong.TryParse(f[9], NumberStyles.None, CultureInfo.InvariantCulture, out var ino) && inodes.Contains(ino))
                    {
                        established.Add((port, ino));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return established.Count(e => listening.Contains(e.Port));
    }
}
