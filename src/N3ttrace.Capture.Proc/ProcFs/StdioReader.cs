using N3ttrace.Interop;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.ProcFs;

/// <summary>
/// What fds 0, 1, 2 of a process are, from /proc: the same facts the kernel side records at exec
/// (kind, inode, dev). statx of /proc/PID/fd/N describes the object without opening it (a FIFO never blocks).
/// </summary>
public static class StdioReader
{
    private const int S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFREG = 0x8000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    public static StdioFacts Read(string pidDir) => new(ReadFd(pidDir, 0), ReadFd(pidDir, 1), ReadFd(pidDir, 2));

    public static StdioFd ReadFd(string pidDir, int fd)
    {
        var path = $"{pidDir}/fd/{fd}";
        if (LibC.StatX(LibC.AT_FDCWD, path, 0, LibC.STATX_BASIC_STATS, out var st) != 0)
        {
            return default;
        }
        var dev = StdioFd.KernelDev(st.DevMajor, st.DevMinor);
        switch (st.Mode & S_IFMT)
        {
            case S_IFSOCK:
                return new StdioFd(StdioKind.Socket, st.Ino, dev);
            case S_IFIFO:
                // An anonymous pipe's link reads "pipe:[ino]"; a FIFO's is its path.
                var target = ProcessReader.ReadLink(path);
                return new StdioFd(target.StartsWith("pipe:", StringComparison.Ordinal) ? StdioKind.Pipe : StdioKind.Fifo, st.Ino, dev);
            case S_IFREG:
                return new StdioFd(StdioKind.File, st.Ino, dev);
            case S_IFCHR:
                return new StdioFd(CharKind(st.RdevMajor, st.RdevMinor), st.Ino, StdioFd.KernelDev(st.RdevMajor, st.RdevMinor));
            default:
                return new StdioFd(StdioKind.Other, st.Ino, dev);
        }
    }

    /// <summary>Same split as the kernel side: /dev/null (1,3), terminals (4, 5, 136-143), other devices.</summary>
    public static StdioKind CharKind(uint major, uint minor) =>
        major == 1 && minor == 3 ? StdioKind.Null
        : major is 4 or 5 or (>= 136 and <= 143) ? StdioKind.Tty
        : StdioKind.Char;

}
