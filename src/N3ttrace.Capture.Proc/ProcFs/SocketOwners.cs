using System.Globalization;
using System.IO.Enumeration;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// Socket inode to owning process, from /proc/PID/fd. Incremental: every socket inode found
/// in a scan is cached, and when an inode is unknown the processes most likely to hold it are
/// scanned first (never scanned yet, then those whose fd count changed, then the rest), stopping
/// as soon as every inode is found. Never a process spawned, never one scan per socket.
/// </summary>
public sealed class SocketOwners(string procRoot = "/proc")
{
    private readonly Dictionary<ulong, (int Pid, ulong StartTicks)> _byInode = [];
    private readonly Dictionary<int, Scan> _scanned = [];
    private readonly HashSet<int> _closedOwners = [];
    private readonly Dictionary<int, List<ulong>> _inodesByPid = []; // what each scan cached, to forget it when the process goes
    private int _restCursor;

    /// <summary>Scans: fd directory reads of this process so far (0 when only counted by a baseline).</summary>
    private readonly record struct Scan(ulong StartTicks, long FdCount, int Scans);

    /// <summary>Processes whose fd directory was read (the cost this class exists to keep low).</summary>
    public long FdScans { get; private set; }

    /// <summary>
    /// Processes that none of the likely passes picked are scanned RestSlices calls apart, a
    /// slice per call (at least MinRestSlice): a caller that retries an unknown inode for
    /// RestSlices calls has looked in every process once.
    /// </summary>
    public const int RestSlices = 8;
    public const int MinRestSlice = 32;

    /// <summary>Fd directories read in the last-resort round-robin pass.</summary>
    public long RestScans { get; private set; }

    /// <summary>Processes younger than this are always candidates for an unknown inode.</summary>
    public TimeSpan YoungFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cached inode owners (for tests and the benchmark).</summary>
    public int CachedInodes => _byInode.Count;

    /// <summary>
    /// Finds owners for the given inodes. <paramref name="live"/> (pid to start ticks of every
    /// running process) spares one stat read per process; without it /proc is enumerated here.
    /// </summary>
    public Dictionary<ulong, (int Pid, ulong StartTicks)> Resolve(IReadOnlyCollection<ulong> inodes, IReadOnlyDictionary<int, ulong>? live = null)
    {
        var result = new Dictionary<ulong, (int, ulong)>(inodes.Count);
        var missing = new HashSet<ulong>();
        live ??= ReadLive();
        foreach (var i in inodes)
        {
            if (_byInode.TryGetValue(i, out var o) && live.TryGetValue(o.Pid, out var st) && st == o.StartTicks)
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
        // In order of likelihood, stopping as soon as nothing is missing:
        //  0. processes never counted (born since the baseline), then those born after the caller
        //     listed processes (before it listed sockets);
        //  1. fd count changed, or a socket of theirs closed (closing one and opening another keeps
        //     the count); then young processes scanned only once (a process starting up opens and
        //     closes files, so the count taken then says little);
        //  2. a round-robin slice of the rest: an inode nobody visible holds (owner exited, or in
        //     another pid namespace) must not cost a scan of every process every cycle.
        var changed = new List<(int, ulong)>();
        var young = new List<(int, ulong)>();
        var rest = new List<(int, ulong)>();
        // Start ticks are CLOCK_BOOTTIME in USER_HZ (100) ticks.
        var youngSince = (ulong)Math.Max(0, Time.BootClock.NowBootNs() / 10_000_000 - (long)(YoungFor.TotalSeconds * 100));
        foreach (var (pid, start) in live)
        {
            if (!_scanned.TryGetValue(pid, out var s) || s.StartTicks != start)
            {
                if (ScanFds(pid, start, missing, result))
                {
                    return Done(result);
                }
            }
            else if (_closedOwners.Contains(pid) || FdCount(pid) != s.FdCount)
            {
                changed.Add((pid, start));
            }
            else
            {
                (start >= youngSince && s.Scans < 2 ? young : rest).Add((pid, start));
            }
        }
        foreach (var pid in EnumeratePids(procRoot))
        {
            if (!live.ContainsKey(pid) && ProcStat.TryRead(procRoot, pid, out var st) && ScanFds(pid, st.StartTicks, missing, result))
            {
                return Done(result);
            }
        }
        foreach (var list in new[] { changed, young })
        {
            foreach (var (pid, start) in list)
            {
                if (ScanFds(pid, start, missing, result))
                {
                    return Done(result);
                }
            }
        }
        // A slice of the rest, round-robin by pid: a full rotation takes RestSlices calls, so an
        // inode whose owner is invisible costs a bounded amount per cycle, not a scan of everything.
        rest.Sort((x, y) => x.Item1.CompareTo(y.Item1));
        var slice = Math.Max(MinRestSlice, (rest.Count + RestSlices - 1) / RestSlices);
        var from = rest.FindIndex(r => r.Item1 > _restCursor);
        if (from < 0)
        {
            from = 0;
        }
        for (var n = 0; n < Math.Min(slice, rest.Count); n++)
        {
            var (pid, start) = rest[(from + n) % rest.Count];
            _restCursor = pid;
            RestScans++;
            if (ScanFds(pid, start, missing, result))
            {
                return Done(result);
            }
        }
        return Done(result);
    }

    private Dictionary<ulong, (int Pid, ulong StartTicks)> Done(Dictionary<ulong, (int Pid, ulong StartTicks)> result)
    {
        _closedOwners.Clear();
        return result;
    }

    /// <summary>
    /// Notes the fd count of every process without reading its fds, so that the first unknown
    /// inode later scans only the processes that opened something since (not all of them).
    /// </summary>
    public void Baseline(IReadOnlyDictionary<int, ulong> live)
    {
        foreach (var (pid, start) in live)
        {
            if (!_scanned.TryGetValue(pid, out var s) || s.StartTicks != start)
            {
                _scanned[pid] = new Scan(start, FdCount(pid), 0);
            }
        }
    }

    /// <summary>Drops a closed socket from the cache; its owner becomes a likely holder of the next new one.</summary>
    public void Forget(ulong inode)
    {
        if (_byInode.Remove(inode, out var o))
        {
            _closedOwners.Add(o.Pid);
        }
    }

    /// <summary>Drops scan state of processes that are gone.</summary>
    public void Prune(IReadOnlyDictionary<int, ulong> live)
    {
        List<int>? gone = null;
        foreach (var (pid, s) in _scanned)
        {
            if (!live.TryGetValue(pid, out var st) || st != s.StartTicks)
            {
                (gone ??= []).Add(pid);
            }
        }
        foreach (var pid in gone ?? [])
        {
            _scanned.Remove(pid);
            if (_inodesByPid.Remove(pid, out var inodes))
            {
                foreach (var i in inodes)
                {
                    if (_byInode.TryGetValue(i, out var o) && o.Pid == pid)
                    {
                        _byInode.Remove(i);
                    }
                }
            }
        }
    }

    private Dictionary<int, ulong> ReadLive()
    {
        var live = new Dictionary<int, ulong>();
        foreach (var pid in EnumeratePids(procRoot))
        {
            if (ProcStat.TryRead(procRoot, pid, out var st))
            {
                live[pid] = st.StartTicks;
            }
        }
        return live;
    }

    /// <summary>The pids in /proc, parsed from the directory names without allocating a path per entry.</summary>
    public static IEnumerable<int> EnumeratePids(string procRoot) =>
        new FileSystemEnumerable<int>(procRoot, (ref FileSystemEntry e) =>
            int.TryParse(e.FileName, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory && e.FileName.Length > 0 && char.IsAsciiDigit(e.FileName[0]),
        };

    /// <summary>Open fds of pid: Linux 6.2+ reports it as the size of /proc/PID/fd; -1 when unknown.</summary>
    private long FdCount(int pid) =>
        Interop.LibC.StatX(Interop.LibC.AT_FDCWD, $"{procRoot}/{pid}/fd", 0, Interop.LibC.STATX_BASIC_STATS, out var st) == 0 ? (long)st.Size : -1;

    /// <summary>Reads pid's fds, caching every socket inode; true when nothing is missing any more.</summary>
    private bool ScanFds(int pid, ulong startTicks, HashSet<ulong> missing, Dictionary<ulong, (int, ulong)> result)
    {
        FdScans++;
        var fdCount = FdCount(pid);
        _scanned[pid] = new Scan(startTicks, fdCount, _scanned.TryGetValue(pid, out var prev) && prev.StartTicks == startTicks ? prev.Scans + 1 : 1);
        if (!_inodesByPid.TryGetValue(pid, out var cached))
        {
            _inodesByPid[pid] = cached = [];
        }
        cached.Clear();
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
                if (!ulong.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    continue;
                }
                cached.Add(inode);
                // A socket inherited by a child stays with the process that held it first (the likelier creator).
                if (missing.Remove(inode))
                {
                    _byInode[inode] = (pid, startTicks);
                    result[inode] = (pid, startTicks);
                }
                else
                {
                    _byInode.TryAdd(inode, (pid, startTicks));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return missing.Count == 0;
    }
}
