using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

public static partial class LibC
{
    /// <summary>Cuts a file back to a known-good length (a failed append must not leave half a record).</summary>
    [LibraryImport(Lib, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);
}
