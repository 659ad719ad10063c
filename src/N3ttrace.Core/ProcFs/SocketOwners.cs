using System.Globalization;

namespace N3ttrace.ProcFs;

/// <summary>
/// Socket inode to owning process, from /proc/PID/fd. Incremental: a process's fds are
/// scanned when it is new or when an inode is not yet known, never once per socket.
/// </summary>
public sealed class SocketOwners(string procRoot = "/proc")
{
    private readonly Dictionary<ulong, (int Pid, ulong StartTicks)> _byInode = [];
    private readonly Dictionary<int, ulong> _scanned = []; // pid -> start ticks at scan

    public long FdScans { get; private set; }

    /// <summary>Finds owners for the given inodes; scans only processes not scanned since they started, unless an inode is still missing.</summary>
    public Dictionary<ulong, (int Pid, ulong StartTicks)> Resolve(IReadOnlyCollection<ulong> inodes)
    {
        var result = new Dictionary<ulong, (int, ulong)>(inodes.Count);
        var missing = new HashSet<ulong>();
        foreach (var i in inodes)
        {
            if (_byInode.TryGetValue(i, out var o) && ProcStat.TryRead(procRoot, o.Pid, out var st) && st.StartTicks == o.StartTicks)
            {
                result[i] = o;
            }
            else
            {
                missing.Add(i);
            }
        }
        if (missing.Count == 0)
        {
            return result;
        }
        // New processes first; then, if anything is still missing, rescan the rest (fds are reused).
        foreach (var pass in new[] { false, true })
        {
            foreach (var dir in Directory.EnumerateDirectories(procRoot))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }
                if (!ProcStat.TryRead(procRoot, pid, out var st))
                {
                    continue;
                }
                var known = _scanned.TryGetValue(pid, out var t) && t == st.StartTicks;
                if (known != pass)
                {
                    continue;
                }
                ScanFds(pid, st.StartTicks, missing, result);
                if (missing.Count == 0)
                {
                    return result;
                }
            }
        }
        return result;
    }

    private void ScanFds(int pid, ulong startTicks, HashSet<ulong> missing, Dictionary<ulong, (int, ulong)> result)
    {
        FdScans++;
        _scanned[pid] = startTicks;
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"{procRoot}/{pid}/fd"))
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    continue;
                }
                if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    continue;
                }
                if (ulong.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    _byInode[inode] = (pid, startTicks);
                    if (missing.Remove(inode))
                    {
                        result[inode] = (pid, startTicks);
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
