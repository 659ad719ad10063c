namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// Maps a cgroup v2 id (what the kernel side sees: the cgroup directory's inode number)
/// to its path, by walking the unified hierarchy once and again on a miss.
/// </summary>
public sealed class CgroupPaths
{
    private readonly string? _root;
    private readonly Dictionary<ulong, string> _byId = [];
    /// <summary>When each unresolved id last caused a walk: a storm of processes in one unknown cgroup costs one walk per 100 ms.</summary>
    private readonly Dictionary<ulong, long> _missedAtMs = [];

    public CgroupPaths(string? root = null) => _root = root ?? FindUnifiedMount();

    public string Resolve(ulong id)
    {
        if (_root is null || id == 0)
        {
            return "";
        }
        if (_byId.TryGetValue(id, out var path))
        {
            return path;
        }
        // Rate-limited per id, not globally: a cgroup created a moment after another id's walk
        // must still be found on its first exec (its processes keep the exec-time path).
        var now = Environment.TickCount64;
        if (_missedAtMs.TryGetValue(id, out var last) && now - last < 100)
        {
            return "";
        }
        Rescan();
        if (_byId.TryGetValue(id, out path))
        {
            _missedAtMs.Remove(id);
            return path;
        }
        if (_missedAtMs.Count >= 1024)
        {
            _missedAtMs.Clear();
        }
        _missedAtMs[id] = now;
        return "";
    }

    private void Rescan()
    {
        _byId.Clear();
        var pending = new Stack<string>();
        pending.Push(_root!);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (Interop.LibC.StatX(Interop.LibC.AT_FDCWD, dir, Interop.LibC.AT_SYMLINK_NOFOLLOW, Interop.LibC.STATX_BASIC_STATS, out var st) == 0)
            {
                var rel = dir.Length == _root!.Length ? "/" : dir[_root.Length..];
                _byId[st.Ino] = rel;
            }
            try
            {
                foreach (var sub in Directory.EnumerateDirectories(dir))
                {
                    pending.Push(sub);
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

    /// <summary>The cgroup2 mount: /sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones.</summary>
    public static string? FindUnifiedMount()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mounts"))
            {
                var f = line.Split(' ');
                if (f.Length > 2 && f[2] == "cgroup2")
                {
                    return f[1];
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
