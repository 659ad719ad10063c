using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>unistd.h</summary>
public static partial class LibC
{
    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    /// <summary>1 when fd is a terminal; 0 otherwise, including a terminal that hung up (the ioctl fails with EIO).</summary>
    [LibraryImport(Lib, EntryPoint = "isatty", SetLastError = true)]
    public static partial int IsATty(int fd);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(SafeHandle fd);

    /// <summary>Cuts a file back to a known-good length (a failed append must not leave half a record).</summary>
    [LibraryImport(Lib, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(SafeHandle fd, long length);
}
