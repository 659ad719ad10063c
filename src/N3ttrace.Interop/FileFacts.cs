using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>Owner, mode and type of a path, not following a symlink: what a root process checks before trusting a file.</summary>
public readonly record struct FileFacts(uint Uid, uint Mode, bool IsRegular, bool IsSymlink, ulong Size)
{
    /// <summary>Facts of path, or null when it does not exist; throws <see cref="IOException"/> on other errors.</summary>
    public static FileFacts? Of(string path)
    {
        if (LibC.StatX(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, out var st) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        var type = st.Mode & LibC.S_IFMT;
        return new FileFacts(st.Uid, (uint)(st.Mode & 0xFFF), type == LibC.S_IFREG, type == LibC.S_IFLNK, st.Size);
    }
}
