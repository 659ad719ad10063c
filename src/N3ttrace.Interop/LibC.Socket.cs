using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace N3ttrace.Interop;

/// <summary>sys/socket.h: the calls a netlink sock_diag dump needs (.NET's Socket has no netlink endpoint type).</summary>
public static unsafe partial class LibC
{
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;

    /// <summary>socket(2); the handle is invalid on failure.</summary>
    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial SafeFileHandle Socket(int domain, int type, int protocol);

    /// <summary>An unaddressed send on a netlink socket goes to the kernel (port id 0).</summary>
    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(SafeHandle fd, byte* buf, nuint len, int flags);

    [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(SafeHandle fd, byte* buf, nuint len, int flags);
}
