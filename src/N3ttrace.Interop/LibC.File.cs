using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>sys/file.h: flock(2).</summary>
public static partial class LibC
{
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    /// <summary>flock(2) on a descriptor; released when the last descriptor of that open file closes (also on kill -9).</summary>
    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
}
