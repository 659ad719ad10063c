using System.Runtime.InteropServices;

namespace N3ttrace.Capture.Proc.Native;

/// <summary>The socket calls a netlink sock_diag dump needs (.NET's Socket has no netlink endpoint type).</summary>
internal static unsafe partial class Netlink
{
    public const int AF_NETLINK = 16;
    public const byte AF_INET = 2;
    public const byte AF_INET6 = 10;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_SOCK_DIAG = 4;
    public const byte IPPROTO_TCP = 6;
    public const ushort SOCK_DIAG_BY_FAMILY = 20;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary>An unaddressed send on a netlink socket goes to the kernel (port id 0).</summary>
    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);
}
