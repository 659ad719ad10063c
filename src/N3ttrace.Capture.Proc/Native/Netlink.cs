namespace N3ttrace.Capture.Proc.Native;

/// <summary>The netlink sock_diag protocol (linux/netlink.h, linux/sock_diag.h); the socket calls are N3ttrace.Interop.LibC's.</summary>
internal static class Netlink
{
    /// <summary>Address families as the one-byte field of a sock_diag request carries them.</summary>
    public const byte AF_INET = (byte)N3ttrace.Interop.LibC.AF_INET;
    public const byte AF_INET6 = (byte)N3ttrace.Interop.LibC.AF_INET6;
    public const int NETLINK_SOCK_DIAG = 4;
    public const byte IPPROTO_TCP = 6;
    public const ushort SOCK_DIAG_BY_FAMILY = 20;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
}
