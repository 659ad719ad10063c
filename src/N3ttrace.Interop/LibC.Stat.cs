using System.Runtime.InteropServices;

namespace N3ttrace.Interop;

/// <summary>sys/stat.h (statx) and the AT_* flags of fcntl.h it takes.</summary>
public static partial class LibC
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7ff;

    public const ushort S_IFMT = 0xF000;
    /// <summary>statx on the descriptor itself (path ""): what was opened, not what the name points to now.</summary>
    public const int AT_EMPTY_PATH = 0x1000;
    public const ushort S_IFLNK = 0xA000;
    public const ushort S_IFDIR = 0x4000;
    public const ushort S_IFREG = 0x8000;

    /// <summary>struct statx: the same layout on every architecture, unlike struct stat.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatX(int dirfd, string path, int flags, uint mask, out Statx buf);
}
