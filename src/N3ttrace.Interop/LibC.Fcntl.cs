using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Interop;

/// <summary>fcntl.h: open(2) and its flags.</summary>
public static partial class LibC
{
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_APPEND = 0x400;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>Never follow a symlink at the last component. arm64 uses another bit than x86-64:
    /// the x86-64 value there is O_LARGEFILE, and the state directory's symlink protection would vanish.</summary>
    public static int O_NOFOLLOW { get; } = IsArm64 ? Arm64.O_NOFOLLOW : X64.O_NOFOLLOW;

    public static int O_DIRECTORY { get; } = IsArm64 ? Arm64.O_DIRECTORY : X64.O_DIRECTORY;

    /// <summary>x86-64 values of the constants that differ by architecture (asm-generic/fcntl.h).</summary>
    public static class X64
    {
        public const int O_DIRECTORY = 0x10000;
        public const int O_NOFOLLOW = 0x20000;
    }

    /// <summary>arm64 values of the constants that differ by architecture (arch/arm64 asm/fcntl.h).</summary>
    public static class Arm64
    {
        public const int O_DIRECTORY = 0x4000;
        public const int O_NOFOLLOW = 0x8000;
    }

    /// <summary>open(2); the handle is invalid on failure (errno in Marshal.GetLastPInvokeError).</summary>
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial SafeFileHandle Open(string path, int flags, int mode);
}
