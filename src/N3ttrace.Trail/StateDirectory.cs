using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using N3ttrace.Interop;

namespace N3ttrace.Trail;

/// <summary>
/// The state directory (the CLI chooses its default), created 0700. Running as root, n3ttrace
/// refuses a directory or file in it that is a symlink or belongs to another user, and opens
/// every file with O_NOFOLLOW: a planted link must not redirect root's writes.
/// </summary>
public sealed class StateDirectory
{
    public const string BirthRecordsFile = "birth_records.tsv";
    public const string TimelineFile = "snapshots.tsv";
    public const string HostSecretFile = "host.key";

    public string Path { get; }

    private StateDirectory(string path) => Path = path;

    public static StateDirectory Open(string path, bool create)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!Exists(path, out var st))
        {
            if (!create)
            {
                throw new StateDirectoryException($"state directory {path} does not exist");
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (!Exists(path, out st))
            {
                throw new StateDirectoryException($"cannot create state directory {path}");
            }
        }
        Check(path, st, LibC.S_IFDIR);
        CheckEntries(path, depth: 0);
        return new StateDirectory(path);
    }

    /// <summary>
    /// The one rule for every command that opens a state directory (run, verify, query, at, explain, tail, export,
    /// the forwarder, hash-endpoint): nothing in it may be a symlink or belong to another user, whatever the command
    /// goes on to read. Each file is opened again with O_NOFOLLOW and checked on its descriptor
    /// (<see cref="TrailReader.OpenShared"/>), so a swap after this scan is refused too.
    /// </summary>
    private static void CheckEntries(string dir, int depth)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            if (!Exists(entry, out var st))
            {
                continue; // removed since it was listed
            }
            var type = (ushort)(st.Mode & LibC.S_IFMT);
            if (type == LibC.S_IFLNK)
            {
                throw new StateDirectoryException($"{entry} is a symbolic link inside the state directory; refusing to follow it (remove it)");
            }
            var euid = LibC.GetEuid();
            if (st.Uid != euid)
            {
                throw new StateDirectoryException($"{entry} is owned by uid {st.Uid}, not by uid {euid}; refusing to use the state directory");
            }
            if (type == LibC.S_IFDIR && depth < MaxDepth)
            {
                CheckEntries(entry, depth + 1);
            }
        }
    }

    /// <summary>Subdirectories checked below the state directory (segments, spools).</summary>
    private const int MaxDepth = 2;

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Opens name for appending, creating it 0600. Never follows a symlink.</summary>
    public FileStream OpenAppend(string name, int bufferSize = 1 << 16)
    {
        var full = FilePath(name);
        if (Exists(full, out var st))
        {
            Check(full, st, LibC.S_IFREG);
        }
        var fd = LibC.Open(full, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new StateDirectoryException($"cannot open {full}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return new FileStream(fd, FileAccess.Write, bufferSize);
    }

    /// <summary>Opens name read-write in append mode (created 0600, never through a symlink): the chained
    /// writer reads its last record and cuts a torn tail before it appends.</summary>
    public FileStream OpenChained(string name)
    {
        var full = FilePath(name);
        if (Exists(full, out var st))
        {
            Check(full, st, LibC.S_IFREG);
        }
        var fd = LibC.Open(full, LibC.O_RDWR | LibC.O_CREAT | LibC.O_APPEND | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new StateDirectoryException($"cannot open {full}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return new FileStream(fd, FileAccess.ReadWrite, 0);
    }

    /// <summary>Opens name for reading, refusing symlinks and foreign owners (checked on the opened descriptor).</summary>
    public TrailStream OpenRead(string name) => TrailReader.OpenShared(FilePath(name));

    public bool FileExists(string name) => Exists(FilePath(name), out _);

    /// <summary>Creates name 0600 for writing; it must not exist (O_EXCL, never through a symlink).</summary>
    public FileStream CreateNew(string name)
    {
        var full = FilePath(name);
        var fd = LibC.Open(full, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new IOException($"cannot create {full}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return new FileStream(fd, FileAccess.Write, 0);
    }

    /// <summary>Forces the directory's entries (a rename, a new or removed file) to disk.</summary>
    public void SyncDirectory()
    {
        using var fd = LibC.Open(Path, LibC.O_DIRECTORY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (fd.IsInvalid || LibC.FSync(fd) != 0)
        {
            throw new IOException($"cannot sync {Path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Reads or creates (0600, O_EXCL) a 32-byte random secret.</summary>
    public byte[] ReadOrCreateSecret(string name)
    {
        var full = FilePath(name);
        if (Exists(full, out var st))
        {
            Check(full, st, LibC.S_IFREG);
            if ((st.Mode & 0x3F) != 0)
            {
                throw new StateDirectoryException($"{full} is readable by group or others (mode {Convert.ToString(st.Mode & 0xFFF, 8)}); refusing to use it");
            }
            byte[] key;
            using (var f = TrailStream.OpenFile(full))
            {
                key = new byte[Math.Min(f.Length, 33)];
                f.ReadExactly(key);
            }
            if (key.Length != 32)
            {
                throw new StateDirectoryException($"{full} is not a 32-byte secret");
            }
            return key;
        }
        var secret = RandomNumberGenerator.GetBytes(32);
        var fd = LibC.Open(full, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0x180);
        if (fd.IsInvalid)
        {
            fd.Dispose();
            throw new StateDirectoryException($"cannot create {full}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        using (var fs = new FileStream(fd, FileAccess.Write, 0))
        {
            fs.Write(secret);
            fs.Flush(flushToDisk: true);
        }
        return secret;
    }

    private static bool Exists(string path, out LibC.Statx st)
    {
        if (LibC.StatX(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, out st) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == 2)
        {
            return false;
        }
        throw new StateDirectoryException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static void Check(string path, LibC.Statx st, ushort expectedType)
    {
        var type = (ushort)(st.Mode & LibC.S_IFMT);
        if (type == LibC.S_IFLNK)
        {
            throw new StateDirectoryException($"{path} is a symbolic link; refusing to follow it");
        }
        if (type != expectedType)
        {
            throw new StateDirectoryException($"{path} is not a {(expectedType == LibC.S_IFDIR ? "directory" : "regular file")}");
        }
        var euid = LibC.GetEuid();
        if (st.Uid != euid)
        {
            throw new StateDirectoryException($"{path} is owned by uid {st.Uid}, not by uid {euid}; refusing to use it");
        }
    }
}

public sealed class StateDirectoryException(string message) : Exception(message);
