using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;

namespace N3ttrace.Capture.Ebpf;

/// <summary>
/// Where the kernel side is pinned in the BPF file system, so it keeps capturing while no consumer runs:
/// ROOT/layout-HASH/ holds every map (n3t_events is the ring) and one link per program (link_PROGRAM), HASH being
/// the first 16 hex digits of the BPF object's SHA-256 (the version stamp: any change of a program or of an event
/// layout changes it). ROOT (default /sys/fs/bpf/n3ttrace) and its stamp directory are root's, mode 0700, never
/// symlinks; a consumer holds an exclusive flock on ROOT while it runs, so two never read one ring.
/// </summary>
public sealed class KernelPins : IDisposable
{
    public const string DefaultRoot = "/sys/fs/bpf/n3ttrace";
    /// <summary>Moves ROOT (tests give each tracer its own, so parallel runs never share a kernel side).</summary>
    public const string RootEnv = "N3TTRACE_PIN_DIR";
    private const string BpfMountPoint = "/sys/fs/bpf";
    private const string StampPrefix = "layout-";
    // bpffs refuses names with a dot (EPERM): hence no ".staging", no "link.x".
    private const string StagingPrefix = "staging-";

    private readonly SafeFileHandle _root;

    public string Root { get; }
    public string Stamp { get; }
    /// <summary>ROOT/STAMP: this build's pins.</summary>
    public string Dir => Path.Combine(Root, Stamp);

    private KernelPins(string root, string stamp, SafeFileHandle handle)
    {
        Root = root;
        Stamp = stamp;
        _root = handle;
    }

    public static string ConfiguredRoot() =>
        Environment.GetEnvironmentVariable(RootEnv) is { Length: > 0 } r ? Path.GetFullPath(r) : DefaultRoot;

    public static string StampOf(string objectSha256) => StampPrefix + objectSha256[..16];

    /// <summary>
    /// Opens (creating if needed) ROOT on a BPF file system, checked and locked for this consumer. Throws
    /// <see cref="PinMismatchException"/> when another consumer holds it or it is not safely owned, and
    /// <see cref="BpfLoadException"/> when no BPF file system can be had.
    /// </summary>
    public static KernelPins Open(string root, string stamp)
    {
        EnsureBpfFs(root);
        if (FileFacts.Of(root) is null)
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var handle = OpenChecked(root);
        if (LibC.Flock((int)handle.DangerousGetHandle(), LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            handle.Dispose();
            throw new PinMismatchException($"another n3ttrace run is consuming the kernel side pinned in {root}; stop it first (one consumer per ring)");
        }
        return new KernelPins(root, stamp, handle);
    }

    /// <summary>Whether this build's stamp directory exists (checked); throws on another build's pins or a bad owner.</summary>
    public bool HasPins()
    {
        var found = false;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            var name = Path.GetFileName(entry);
            if (name == Stamp)
            {
                CheckOwned(entry, directory: true);
                foreach (var pin in Directory.EnumerateFileSystemEntries(entry))
                {
                    CheckOwned(pin, directory: false);
                }
                found = true;
            }
            else if (name.StartsWith(StampPrefix, StringComparison.Ordinal))
            {
                throw new PinMismatchException(
                    $"a kernel side of another n3ttrace build (event layout {name}, this build has {Stamp}) is pinned in {entry} " +
                    "and may hold records this version cannot read. Drain it with the build that loaded it (run it, then stop it), " +
                    "or discard its backlog with 'n3ttrace unload', then start again.");
            }
            else if (name.StartsWith(StagingPrefix, StringComparison.Ordinal))
            {
                Delete(entry); // a half-made stamp directory of a run that died while pinning
            }
        }
        return found;
    }

    /// <summary>A fresh directory to pin into; <see cref="Publish"/> renames it into place, so a stamp directory is always complete.</summary>
    public string NewStaging()
    {
        var staging = Path.Combine(Root, $"{StagingPrefix}{Stamp}-{Environment.ProcessId}");
        if (FileFacts.Of(staging) is not null)
        {
            Delete(staging);
        }
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return staging;
    }

    public void Publish(string staging) => Directory.Move(staging, Dir);

    /// <summary>Removes a staging directory whose pinning failed; never throws (the failure is what gets reported).</summary>
    public void Discard(string staging)
    {
        try
        {
            Delete(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes this build's pins: the programs detach once no process holds their links.</summary>
    public void RemovePins() => Delete(Dir);

    /// <summary>
    /// `n3ttrace unload`: removes every pin under root (any build's). Refuses while a consumer holds root.
    /// Returns the stamp directories removed.
    /// </summary>
    public static IReadOnlyList<string> Unload(string root)
    {
        if (FileFacts.Of(root) is null)
        {
            return [];
        }
        using var handle = OpenChecked(root);
        if (LibC.Flock((int)handle.DangerousGetHandle(), LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            throw new PinMismatchException($"an n3ttrace run is consuming the kernel side pinned in {root}; stop it (SIGTERM), then unload");
        }
        var removed = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(root))
        {
            CheckOwned(entry, directory: true);
            Delete(entry);
            removed.Add(entry);
        }
        // ROOT itself goes too when it is ours alone (an operator's other pins would keep it).
        if (!Directory.EnumerateFileSystemEntries(root).Any())
        {
            Directory.Delete(root);
        }
        return removed;
    }

    private static void Delete(string path)
    {
        var facts = FileFacts.Of(path);
        if (facts is null)
        {
            return;
        }
        if (facts.Value.IsSymlink || facts.Value.IsRegular)
        {
            File.Delete(path); // the link itself, never its target
            return;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(path))
        {
            Delete(entry);
        }
        Directory.Delete(path);
    }

    /// <summary>Opens a directory without following a symlink and checks it is root's (this user's), mode 0700.</summary>
    private static SafeFileHandle OpenChecked(string dir)
    {
        var h = LibC.Open(dir, LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (h.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            h.Dispose();
            throw new PinMismatchException($"{dir} cannot be opened as a directory without following a symlink: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        if (LibC.StatX((int)h.DangerousGetHandle(), "", LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, out var st) != 0
            || st.Uid != LibC.GetEuid() || (st.Mode & 0x3F) != 0)
        {
            h.Dispose();
            throw new PinMismatchException($"{dir} must be a directory owned by uid {LibC.GetEuid()} with mode 0700 (found uid {st.Uid}, mode {Convert.ToString(st.Mode & 0xFFF, 8)}); refusing to use its pins");
        }
        return h;
    }

    /// <summary>A pin or stamp directory is trusted only when it is this user's, not a symlink, and closed to others.</summary>
    private static void CheckOwned(string path, bool directory)
    {
        var f = FileFacts.Of(path) ?? throw new PinMismatchException($"{path} vanished while being checked");
        var isDirectory = !f.IsRegular && !f.IsSymlink;
        if (f.IsSymlink || f.Uid != LibC.GetEuid() || (f.Mode & 0x3F) != 0 || (directory && !isDirectory))
        {
            throw new PinMismatchException($"{path} is a symlink, or not a {(directory ? "directory" : "pin")} of uid {LibC.GetEuid()} closed to others; " +
                "refusing to use the pinned kernel side (remove it with 'n3ttrace unload')");
        }
    }

    /// <summary>root must be on a BPF file system: found in /proc/self/mountinfo, or mounted at /sys/fs/bpf when none is.</summary>
    private static void EnsureBpfFs(string root)
    {
        var mounts = BpfMounts();
        if (mounts.Any(m => IsUnder(root, m)))
        {
            return;
        }
        if (!IsUnder(root, BpfMountPoint))
        {
            throw new BpfLoadException($"{root} is not on a BPF file system (mounted: {(mounts.Count == 0 ? "none" : string.Join(", ", mounts))})");
        }
        if (!mounts.Contains(BpfMountPoint))
        {
            Directory.CreateDirectory(BpfMountPoint);
            if (LibC.Mount("bpf", BpfMountPoint, "bpf", LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_NOEXEC, "mode=0700") != 0)
            {
                throw new BpfLoadException($"mounting the BPF file system at {BpfMountPoint} failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
    }

    private static bool IsUnder(string path, string mount) =>
        path == mount || path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>Mount points of fstype bpf (mountinfo field 5 is the mount point; the fstype follows the " - " separator).</summary>
    private static List<string> BpfMounts()
    {
        var found = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0)
            {
                continue;
            }
            var fields = line[..sep].Split(' ');
            var fsType = line[(sep + 3)..].Split(' ')[0];
            if (fsType == "bpf" && fields.Length > 4)
            {
                found.Add(fields[4].Replace("\\040", " ", StringComparison.Ordinal));
            }
        }
        return found;
    }

    public void Dispose() => _root.Dispose();
}
